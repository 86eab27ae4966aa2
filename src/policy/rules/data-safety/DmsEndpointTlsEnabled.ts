import { compliant, nonCompliant, notApplicable } from "../../check";
import { resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/** Engines reached over a database protocol, where `ssl_mode` applies. */
const DATABASE_ENGINES = /^(mysql|aurora|aurora-postgresql|postgres|mariadb|oracle|sqlserver|babelfish|db2|sybase|redshift|mongodb|docdb|aurora-serverless|aurora-postgresql-serverless|redshift-serverless|azuredb|azure-sql-managed-instance)$/;
const TLS_MODES = ["require", "verify-ca", "verify-full"];

/** DMS endpoints talk to databases over TLS (`ssl_mode` require or verify-*; the default is none). */
export const DmsEndpointTlsEnabled: Rule = (json) =>
  resourcesOf(json, "aws_dms_endpoint").map((endpoint) => {
    const engine = endpoint.config.engine_name;
    if (typeof engine === "string" && !DATABASE_ENGINES.test(engine)) return notApplicable(endpoint, `engine ${engine} does not use ssl_mode`);
    const mode = endpoint.config.ssl_mode;
    if (typeof mode === "string" && TLS_MODES.includes(mode)) return compliant(endpoint, `ssl_mode ${mode}`);
    return nonCompliant(endpoint, mode === undefined ? 'ssl_mode is not set (default "none"); set "verify-full" or "require"' : `ssl_mode = ${show(mode)}; must be one of ${TLS_MODES.join(", ")}`);
  });

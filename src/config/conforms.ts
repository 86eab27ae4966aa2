/**
 * `Conforms<Parsed, ModuleType>` is `Parsed` when it is assignable to `ModuleType`, and a compile
 * error otherwise. A schema whose parsed value is handed to a module declares its config type with
 * it, so the configuration conforms to the module's own prop type (modules never import config).
 */
export type Conforms<Parsed extends ModuleType, ModuleType> = Parsed;

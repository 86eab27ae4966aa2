/**
 * The Node.js runtime of every Lambda function of this app, and the esbuild target its handlers
 * are bundled for: one place, so the code is never built for a newer Node than the one it runs on.
 *
 * Node.js 22. Lambda deprecated `nodejs20.x` with Node 20's end of life (30 April 2026) and then
 * blocks creating, and later updating, functions on a deprecated runtime; every event's spin-up
 * creates functions, so the runtime must be a supported one. `nodejs24.x` would last longer
 * (Node 24 is supported until April 2028, Node 22 until 30 April 2027), but the pinned AWS
 * provider (5.100.0) predates it and refuses the value at validate. Move to Node 24 with the next
 * provider upgrade, before 30 April 2027.
 */
export const LAMBDA_NODE_RUNTIME = { runtime: "nodejs22.x", esbuildTarget: "node22" } as const;

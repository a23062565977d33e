/**
 * The part of node-postgres the store and the tests use. pg ships no types of its own and
 * @types/pg is not a dependency; this covers only what is called.
 */
declare module 'pg' {
  export interface QueryResult {
    rows: Record<string, unknown>[];
    rowCount: number | null;
  }
  export interface ClientConfig {
    connectionString?: string;
    connectionTimeoutMillis?: number;
    max?: number;
    idleTimeoutMillis?: number;
    application_name?: string;
  }
  export class Client {
    constructor(config?: ClientConfig);
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<QueryResult>;
    end(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
  }
  export class Pool {
    constructor(config?: ClientConfig);
    query(sql: string, params?: unknown[]): Promise<QueryResult>;
    end(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
  }
  const pg: { Client: typeof Client; Pool: typeof Pool };
  export default pg;
}

/**
 * Azure Table Storage on loopback for the tests: Microsoft's storage emulator Azurite (npm `azurite`), its table service
 * started in this process, in memory, on a random port, spoken to with the real `@azure/data-tables` client and the
 * emulator's well-known development account (published in Azurite's README; a test-only shared key, never used by
 * production code, which authenticates with the managed identity).
 */
import { AzureNamedKeyCredential, TableClient } from "@azure/data-tables";

/** Azurite's documented development account and key (README "Default storage account"). */
export const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface LocalTables {
  /** `http://127.0.0.1:<port>/devstoreaccount1`. */
  endpoint: string;
  /** A client for `table` (created when missing), authenticated with the development key. */
  table(name: string): Promise<TableClient>;
  /** A client for `table` without creating it. */
  client(name: string): TableClient;
  close(): Promise<void>;
}

interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
}

export async function startAzurite(): Promise<LocalTables> {
  const TableConfiguration = require("azurite/dist/src/table/TableConfiguration").default;
  const TableServer = require("azurite/dist/src/table/TableServer").default;
  // host, port (0: any free one), keep-alive, metadata path (unused in memory), debug log off, access log off,
  // access log stream, debug log path, loose, skipApiVersionCheck, cert, key, pwd, oauth, product-style URLs off,
  // in-memory persistence.
  const config = new TableConfiguration(
    "127.0.0.1",
    0,
    undefined,
    "unused-in-memory",
    false,
    false,
    undefined,
    undefined,
    false,
    true,
    "",
    "",
    "",
    undefined,
    false,
    true,
  );
  const server = new TableServer(config) as AzuriteTableServer;
  await server.start();
  const endpoint = `${server.getHttpServerAddress()}/${DEV_ACCOUNT}`;
  const credential = new AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY);
  return {
    endpoint,
    client: (name) =>
      new TableClient(endpoint, name, credential, { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }),
    async table(name) {
      const client = new TableClient(endpoint, name, credential, {
        allowInsecureConnection: true,
        retryOptions: { maxRetries: 0 },
      });
      await client.createTable();
      return client;
    },
    async close() {
      await server.close();
      await server.clean().catch(() => undefined);
    },
  };
}

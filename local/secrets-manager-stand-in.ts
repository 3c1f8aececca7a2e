import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the part of AWS Secrets Manager the feed uses (CreateSecret, PutSecretValue,
 * GetSecretValue, ListSecrets, DeleteSecret with its recovery window, RestoreSecret), spoken over the
 * service's own JSON protocol so the real @aws-sdk/client-secrets-manager drives it: point the SDK at
 * `endpoint` (AWS_ENDPOINT_URL_SECRETS_MANAGER does it for any process). Errors carry Secrets Manager's
 * error codes. Only AWS itself is stood in for; the kit's code is the real one.
 */

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  description: string | undefined;
  value: string | undefined;
  versionId: string;
  changedAt: number;
  /** Scheduled for deletion (recovery window): invisible to reads, blocks re-creation until restored. */
  deletedAt: number | undefined;
}

export interface SecretsManagerStandIn {
  /** Base URL for the SDK's `endpoint`. */
  readonly endpoint: string;
  /** Names of live secrets (tests check what was stored without reading values). */
  names(): string[];
  /** The `{apiKey, apiSecret}` pairs stored in live secrets now: `npm run events-api:local` accepts them as customers' accounts. */
  accounts(): readonly { readonly apiKey: string; readonly apiSecret: string }[];
  close(): Promise<void>;
}

class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const REGION_ACCOUNT = 'us-east-1:000000000000';

export async function startSecretsManagerStandIn(
  options: { readonly port?: number } = {},
): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, StoredSecret>();

  const find = (id: unknown, { includeDeleted = false } = {}): StoredSecret => {
    if (typeof id !== 'string' || id === '')
      throw new ServiceError('InvalidParameterException', 'SecretId is required.');
    const secret = secrets.get(id) ?? [...secrets.values()].find((candidate) => candidate.arn === id);
    if (!secret)
      throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    if (secret.deletedAt !== undefined && !includeDeleted) {
      throw new ServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  };
  const identity = (secret: StoredSecret) => ({ ARN: secret.arn, Name: secret.name });
  const setValue = (secret: StoredSecret, value: unknown): void => {
    if (typeof value !== 'string') throw new ServiceError('InvalidParameterException', 'SecretString is required.');
    secret.value = value;
    secret.versionId = randomUUID();
    secret.changedAt = Date.now();
  };

  const operationsTable: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateSecret: (input) => {
      const name = input['Name'];
      if (typeof name !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name))
        throw new ServiceError('InvalidParameterException', 'Name is invalid.');
      const existing = secrets.get(name);
      if (existing?.deletedAt !== undefined) {
        throw new ServiceError(
          'InvalidRequestException',
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      if (existing)
        throw new ServiceError(
          'ResourceExistsException',
          `The operation failed because the secret ${name} already exists.`,
        );
      const secret: StoredSecret = {
        name,
        arn: `arn:aws:secretsmanager:${REGION_ACCOUNT}:secret:${name}-${randomUUID().slice(0, 6)}`,
        description: typeof input['Description'] === 'string' ? input['Description'] : undefined,
        value: undefined,
        versionId: '',
        changedAt: Date.now(),
        deletedAt: undefined,
      };
      setValue(secret, input['SecretString']);
      secrets.set(name, secret);
      return { ...identity(secret), VersionId: secret.versionId };
    },
    PutSecretValue: (input) => {
      const secret = find(input['SecretId']);
      setValue(secret, input['SecretString']);
      return { ...identity(secret), VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
    },
    GetSecretValue: (input) => {
      const secret = find(input['SecretId']);
      return {
        ...identity(secret),
        SecretString: secret.value,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.changedAt / 1000,
      };
    },
    ListSecrets: (input) => {
      const filters = Array.isArray(input['Filters'])
        ? (input['Filters'] as { Key?: string; Values?: string[] }[])
        : [];
      const prefixes = filters.filter((filter) => filter.Key === 'name').flatMap((filter) => filter.Values ?? []);
      const matching = [...secrets.values()]
        .filter((secret) => secret.deletedAt === undefined)
        .filter((secret) => prefixes.every((prefix) => secret.name.toLowerCase().startsWith(prefix.toLowerCase())))
        .sort((a, b) => a.name.localeCompare(b.name));
      const maxResults = typeof input['MaxResults'] === 'number' ? input['MaxResults'] : 100;
      const start = typeof input['NextToken'] === 'string' ? Number(input['NextToken']) : 0;
      const page = matching.slice(start, start + maxResults);
      const next = start + maxResults < matching.length ? String(start + maxResults) : undefined;
      return {
        SecretList: page.map((secret) => ({
          ...identity(secret),
          Description: secret.description,
          LastChangedDate: secret.changedAt / 1000,
        })),
        ...(next === undefined ? {} : { NextToken: next }),
      };
    },
    DeleteSecret: (input) => {
      const secret = find(input['SecretId'], { includeDeleted: true });
      if (input['ForceDeleteWithoutRecovery'] === true) secrets.delete(secret.name);
      else secret.deletedAt = Date.now();
      return { ...identity(secret), DeletionDate: Date.now() / 1000 };
    },
    RestoreSecret: (input) => {
      const secret = find(input['SecretId'], { includeDeleted: true });
      secret.deletedAt = undefined;
      return identity(secret);
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
      const reply = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      try {
        const handle = operationsTable[operation];
        if (!handle)
          throw new ServiceError('UnknownOperationException', `${operation || 'no operation'} is not supported here`);
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        reply(200, handle(input));
      } catch (error) {
        if (error instanceof ServiceError) reply(400, { __type: error.code, message: error.message });
        else reply(500, { __type: 'InternalServiceError', message: error instanceof Error ? error.message : 'error' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    names: () => [...secrets.values()].filter((secret) => secret.deletedAt === undefined).map((secret) => secret.name),
    accounts: () => liveAccounts(secrets.values()),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function liveAccounts(
  stored: Iterable<StoredSecret>,
): readonly { readonly apiKey: string; readonly apiSecret: string }[] {
  return [...stored].flatMap((secret) => {
    if (secret.deletedAt !== undefined || secret.value === undefined) return [];
    try {
      const parsed = JSON.parse(secret.value) as { apiKey?: unknown; apiSecret?: unknown };
      return typeof parsed.apiKey === 'string' && typeof parsed.apiSecret === 'string'
        ? [{ apiKey: parsed.apiKey, apiSecret: parsed.apiSecret }]
        : [];
    } catch {
      return [];
    }
  });
}

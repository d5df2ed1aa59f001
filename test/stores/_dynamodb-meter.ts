// A real DynamoDBClient that asks for the capacity every request consumed (ReturnConsumedCapacity) and records
// each request: what the store sends, and what it costs, measured on the server (dynalite computes units as
// DynamoDB does: 4 KB per strongly consistent read unit, 1 KB per write unit).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNALITE_CREDENTIALS, DYNALITE_REGION } from './_dynalite-client.js';

export interface MeteredRequest {
  readonly operation: string;
  /** The partition key the request names, when it names one (Key or Item). */
  readonly pk: string | null;
  readonly units: number;
}

type Input = Record<string, unknown> & { Key?: { pk?: { S?: string } }; Item?: { pk?: { S?: string } } };
type Capacity = { CapacityUnits?: number };

export class MeteredClient {
  readonly client: DynamoDBClient;
  requests: MeteredRequest[] = [];

  constructor(endpoint: string) {
    this.client = new DynamoDBClient({ endpoint, region: DYNALITE_REGION, credentials: { ...DYNALITE_CREDENTIALS } });
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Input;
        const operation = String(context.commandName).replace(/Command$/, '');
        if (!['DescribeTable', 'CreateTable'].includes(operation)) input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        this.requests.push({ operation, pk: input.Key?.pk?.S ?? input.Item?.pk?.S ?? null, units });
        return result;
      },
      { step: 'initialize', name: 'ztsCapacityMeter' },
    );
  }

  /** The requests `work` sent, and the units they consumed. */
  async measure(work: () => Promise<unknown>): Promise<{ operations: string[]; units: number; requests: MeteredRequest[] }> {
    this.requests = [];
    await work();
    const requests = this.requests;
    return {
      operations: requests.map((request) => request.operation),
      units: requests.reduce((sum, request) => sum + request.units, 0),
      requests,
    };
  }
}

// How a DynamoDBStore reaches a dynalite the tests started: the stand-in credentials and region, without loading
// dynalite itself (child processes import this).
// dynalite checks no signature, but the SDK signs every request: these stand in for real keys. Set here so no test's
// AWS SDK ever asks a metadata service for credentials, and so the SDK's Node-version notice stays quiet.
export const DYNALITE_CREDENTIALS = Object.freeze({ accessKeyId: 'dynalite', secretAccessKey: 'dynalite' });
export const DYNALITE_REGION = 'us-east-1';
/** The environment a child process (the CLI) needs to reach a dynalite through the AWS SDK's default chain. */
export const DYNALITE_ENV: Readonly<Record<string, string>> = Object.freeze({
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
  AWS_REGION: DYNALITE_REGION,
});
Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });

/** DynamoDBStore options for a table on a dynalite. */
export const dynaliteOptions = (endpoint: string, table: string) => ({
  endpoint,
  table,
  region: DYNALITE_REGION,
  credentials: DYNALITE_CREDENTIALS,
});

// What every emitter produces, and how every YAML file dex writes is serialised: defined once, low
// enough that the monitoring configuration (whose files also travel in EC2 user data) and the
// emitters agree on the bytes.

export interface EmittedFile {
  /** Relative to the environment's output directory, with '/' separators. */
  readonly path: string;
  readonly content: string;
}

/** YAML 1.1 quoting: CloudFormation's parser reads `yes`, `on` and dates as YAML 1.1 does. */
export const YAML_OPTIONS = { aliasDuplicateObjects: false, lineWidth: 0, version: '1.1' } as const;

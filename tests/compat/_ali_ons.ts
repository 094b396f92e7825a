/**
 * Shared pieces of the ali-ons compatibility tests: typed views of the ali-ons 3.12.0 classes
 * (npm, test-only, see docs/adr/0001) and client options pointing at our name server, with
 * ali-ons' console logging silenced.
 *
 * Runs on: main thread
 * @module
 */
import * as ons from "npm:ali-ons@3.12.0";

/** A message as the ali-ons consumer hands it over. */
export interface OnsMessage {
  msgId: string;
  tags: string;
  keys: string;
  body: Uint8Array;
  reconsumeTimes: number;
  properties: Record<string, string>;
}

/** What ali-ons producers and consumers share. */
export interface OnsClient {
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** ali-ons `Producer`. */
export interface OnsProducer extends OnsClient {
  send(message: unknown): Promise<{ sendStatus: string; msgId: string }>;
}

/** ali-ons `Consumer`; `expression` is a tag expression or `{ expressionType, subString }`. */
export interface OnsConsumer extends OnsClient {
  subscribe(
    topic: string,
    expression: string | { expressionType: string; subString: string },
    handler: (message: OnsMessage) => Promise<void>,
  ): void;
  on(event: "error", handler: (error: unknown) => void): void;
}

/** ali-ons `Message` (the fields the tests set). */
export interface OnsOutgoing {
  keys: string[];
  delayTimeLevel: number;
  shardingKey: string;
  properties: Record<string, string>;
}

/** The ali-ons classes, typed. */
export const onsModule = ons as unknown as {
  Producer: new (options: Record<string, unknown>) => OnsProducer;
  Consumer: new (options: Record<string, unknown>) => OnsConsumer;
  Message: new (topic: string, tags: string, body: string) => OnsOutgoing;
};

/** ali-ons errors (its logger's `error` calls), kept for a debugger, not printed. */
export const onsErrors: unknown[][] = [];

/** ali-ons logs to the console by default. */
const onsLogger = {
  info: () => {},
  warn: () => {},
  debug: () => {},
  error: (...args: unknown[]) => onsErrors.push(args),
};

/** Options of an ali-ons client talking to the name server `namesrv`. */
export function onsOptions(namesrv: string, instanceName: string): Record<string, unknown> {
  return {
    // Only used to resolve an Aliyun "onsAddr"; `nameSrv` makes it unused, but it must be set:
    // without it ali-ons fails an assertion, and that failure exhausts the heap under Deno 2.9.6.
    httpclient: {},
    logger: onsLogger,
    nameSrv: [namesrv],
    clientIP: "127.0.0.1",
    instanceName,
    accessKeyId: "",
    accessKeySecret: "",
  };
}

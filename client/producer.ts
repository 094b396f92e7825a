/**
 * Producer (Java `DefaultMQProducer`): sends single messages (awaited,
 * one-way, to a chosen queue or through a selector for ordered messages) and
 * batches, with route lookup (borrowing `TBW102` for new topics), retries on
 * another broker, an overall send timeout, and zlib compression of bodies of
 * 4 KiB and more at level 5 as the Java producer does.
 *
 * Runs on: main thread
 * @module
 */
import {
  compressBody,
  createUniqueId,
  defaultRandom,
  encodeBatchBody,
  encodeProperties,
  getLogger,
  MESSAGE_MAX_BYTES,
  MessageConst,
  MessageSysFlag,
  validateGroup,
  validateTopic,
} from "../common/mod.ts";
import { ResponseCode } from "../remoting/mod.ts";
import type { SendCode, SendResponse, SendStatus } from "./client_api.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { ClientInstance, ClientOptions, ProducerRegistration } from "./client_instance.ts";
import { MQClientError, MQResponseError } from "./errors.ts";
import { messageBody, messageProperties } from "./message.ts";
import type { Message } from "./message.ts";
import type { MessageQueue } from "./message_queue.ts";
import { RoundRobinQueueSelector } from "./queue_selector.ts";
import type { MessageQueueSelector } from "./queue_selector.ts";
import type { SendMessageHeader } from "./request_headers.ts";
import { AUTO_CREATE_TOPIC_KEY, defaultTopicRoute, publishQueues } from "./topic_route.ts";

const log = getLogger("client.producer");

/** Response codes after which Java producers try another queue (`retryResponseCodes`). */
const RETRY_RESPONSE_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
]);

/** Producer settings (defaults are Java's). */
export interface ProducerOptions extends ClientOptions {
  /** Producer group. */
  groupName: string;
  /** Time allowed for one send, retries included (default 3000 ms). */
  sendTimeoutMs?: number;
  /** Extra attempts after a failed send, on another broker when possible (default 2). */
  retryTimesWhenSendFailed?: number;
  /** Bodies at least this long are compressed (default 4096 bytes). */
  compressBodyOverBytes?: number;
  /** zlib level (default 5). */
  compressLevel?: number;
  /** Largest body accepted (default 4 MiB). */
  maxMessageSizeBytes?: number;
  /** Queue count asked for when the broker auto-creates a topic (default 4). */
  defaultTopicQueueNums?: number;
  /** Also retry on another broker when the send was stored but not SEND_OK (default false). */
  retryAnotherBrokerWhenNotStoreOk?: boolean;
  /** Request code for single sends (default `SEND_MESSAGE_V2`, as Java). */
  sendMessageCode?: "SEND_MESSAGE" | "SEND_MESSAGE_V2";
}

/** What happened to a send. */
export interface SendResult {
  readonly status: SendStatus;
  /** The message's UNIQ_KEY (for a batch: the keys joined by `,`). */
  readonly msgId: string;
  /** The broker's offset message id(s). */
  readonly offsetMsgId: string;
  /** Queue written. */
  readonly messageQueue: MessageQueue;
  /** Consume-queue offset of the (first) message. */
  readonly queueOffset: number;
  readonly transactionId: string | undefined;
  readonly regionId: string;
  readonly traceOn: boolean;
}

/** Per-send choices. */
export interface SendOptions {
  /** Overrides `sendTimeoutMs`. */
  timeoutMs?: number;
  /** Send to this queue (no retries on other queues). */
  queue?: MessageQueue;
  /** Choose the queue with `selector(queues, arg)` (ordered messages; no retries on other queues). */
  selector?: MessageQueueSelector;
  /** Argument for `selector`. */
  arg?: unknown;
}

interface PreparedSend {
  topic: string;
  body: Uint8Array;
  sysFlag: number;
  flag: number;
  properties: string;
  msgId: string;
  code: SendCode;
}

/** Package-internal access to a producer, for `TransactionProducer` (not in `mod.ts`). */
export interface ProducerInternals {
  /** The running client instance (throws when not running). */
  instance(): ClientInstance;
  /** Sends a half message: `TRAN_MSG` and `PGROUP` set, prepared sysFlag, no delay. */
  sendHalf(message: Message, options: SendOptions): Promise<SendResult>;
  /** Adds hooks to what the producer registers with its instance (before `start()`). */
  extendRegistration(extra: Omit<ProducerRegistration, "topics">): void;
}

let internalsOf: (producer: Producer) => ProducerInternals;

/** The package-internal access to `producer`. */
export function producerInternals(producer: Producer): ProducerInternals {
  return internalsOf(producer);
}

/** Sends messages; `start()` before use, `shutdown()` after. */
export class Producer {
  static {
    internalsOf = (p) => ({
      instance: () => p.#running(),
      sendHalf: (message, options) => p.#sendHalf(message, options),
      extendRegistration: (extra) => {
        p.#registrationExtra = extra;
      },
    });
  }

  readonly #options: ProducerOptions;
  #registrationExtra: Omit<ProducerRegistration, "topics"> = {};
  readonly #selector = new RoundRobinQueueSelector(defaultRandom.nextU32());
  readonly #topics = new Set<string>();
  #instance: ClientInstance | undefined;
  #state: "created" | "running" | "closed" = "created";

  /** Validates options; nothing connects until `start()`. */
  constructor(options: ProducerOptions) {
    const check = validateGroup(options.groupName);
    if (!check.ok) {
      throw new TypeError(`Invalid producer group "${options.groupName}": ${check.message}`);
    }
    this.#options = options;
  }

  /** The producer group. */
  get groupName(): string {
    return this.#options.groupName;
  }

  /** Joins the shared client instance and sends a first heartbeat. */
  async start(): Promise<void> {
    if (this.#state !== "created") {
      throw new MQClientError("Cannot start producer: already started", "NOT_STARTED");
    }
    const instance = acquireClientInstance(this.#options);
    try {
      instance.registerProducer(this.groupName, {
        ...this.#registrationExtra,
        topics: () => this.#topics,
      });
    } catch (error) {
      await instance.release();
      throw error;
    }
    this.#instance = instance;
    this.#state = "running";
    instance.start();
    await instance.sendHeartbeatToAllBrokers();
  }

  /** Unregisters from every broker and releases the shared instance. */
  async shutdown(): Promise<void> {
    if (this.#state !== "running") {
      this.#state = "closed";
      return;
    }
    this.#state = "closed";
    const instance = this.#instance!;
    await instance.unregister("producer", this.groupName);
    await instance.release();
  }

  /** Same as `shutdown()`. */
  close(): Promise<void> {
    return this.shutdown();
  }

  #running(): ClientInstance {
    if (this.#state !== "running" || this.#instance === undefined) {
      throw new MQClientError(
        "Cannot send: the producer is not running",
        this.#state === "closed" ? "CLOSED" : "NOT_STARTED",
      );
    }
    return this.#instance;
  }

  /** Sends one message and resolves when the broker stored it (retrying on failure). */
  async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    const prepared = this.#prepare(message);
    const result = await this.#sendWithRetries(prepared, options, false);
    return result!;
  }

  async #sendHalf(message: Message, options: SendOptions): Promise<SendResult> {
    // Java clears the delay level of transactional messages.
    const { delayTimeLevel: _ignored, ...rest } = message;
    const prepared = this.#prepare(rest, [
      [MessageConst.TRAN_MSG, "true"],
      [MessageConst.PGROUP, this.groupName],
    ]);
    prepared.sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    const result = await this.#sendWithRetries(prepared, options, false);
    return result!;
  }

  /** Sends one message without waiting for the broker (no result, no retry). */
  async sendOneway(message: Message, options: SendOptions = {}): Promise<void> {
    await this.#sendWithRetries(this.#prepare(message), options, true);
  }

  /** Sends messages of one topic as one SEND_BATCH_MESSAGE (no delay, no retry topic). */
  async sendBatch(messages: readonly Message[], options: SendOptions = {}): Promise<SendResult> {
    const result = await this.#sendWithRetries(this.#prepareBatch(messages), options, false);
    return result!;
  }

  #checkTopic(topic: string): void {
    const check = validateTopic(topic);
    if (!check.ok) {
      throw new MQClientError(`Invalid topic "${topic}": ${check.message}`, "ILLEGAL_MESSAGE");
    }
  }

  #checkBody(body: Uint8Array): void {
    const max = this.#options.maxMessageSizeBytes ?? MESSAGE_MAX_BYTES;
    if (body.length === 0) {
      throw new MQClientError("Invalid message: the body is empty", "ILLEGAL_MESSAGE");
    }
    if (body.length > max) {
      throw new MQClientError(
        `Invalid message: the body is ${body.length} bytes, more than ${max}`,
        "ILLEGAL_MESSAGE",
      );
    }
  }

  #prepare(message: Message, system: readonly [string, string][] = []): PreparedSend {
    this.#checkTopic(message.topic);
    let body = messageBody(message);
    this.#checkBody(body);
    const msgId = createUniqueId();
    const props = messageProperties(message, msgId);
    for (const [name, value] of system) props.set(name, value);
    const properties = encodeProperties(props);
    let sysFlag = 0;
    if (body.length >= (this.#options.compressBodyOverBytes ?? 4096)) {
      // 4.x producers set only the COMPRESSED bit (type bits 0 = zlib), which every reader understands.
      body = compressBody(body, this.#options.compressLevel ?? 5);
      sysFlag |= MessageSysFlag.COMPRESSED_FLAG;
    }
    return {
      topic: message.topic,
      body,
      sysFlag,
      flag: message.flag ?? 0,
      properties,
      msgId,
      code: this.#options.sendMessageCode ?? "SEND_MESSAGE_V2",
    };
  }

  #prepareBatch(messages: readonly Message[]): PreparedSend {
    const first = messages[0];
    if (first === undefined) {
      throw new MQClientError("Invalid batch: no message", "ILLEGAL_MESSAGE");
    }
    this.#checkTopic(first.topic);
    if (first.topic.startsWith("%RETRY%")) {
      throw new MQClientError("Invalid batch: retry topics are not supported", "ILLEGAL_MESSAGE");
    }
    const wait = first.waitStoreMsgOk !== false;
    const ids: string[] = [];
    const entries = messages.map((m) => {
      if (m.topic !== first.topic) {
        throw new MQClientError("Invalid batch: messages have different topics", "ILLEGAL_MESSAGE");
      }
      if ((m.waitStoreMsgOk !== false) !== wait) {
        throw new MQClientError(
          "Invalid batch: messages differ in waitStoreMsgOk",
          "ILLEGAL_MESSAGE",
        );
      }
      if ((m.delayTimeLevel ?? 0) > 0) {
        throw new MQClientError(
          "Invalid batch: delayed messages are not supported",
          "ILLEGAL_MESSAGE",
        );
      }
      const body = messageBody(m);
      this.#checkBody(body);
      const id = createUniqueId();
      ids.push(id);
      return { body, flag: m.flag ?? 0, properties: messageProperties(m, id) };
    });
    const body = encodeBatchBody(entries);
    this.#checkBody(body);
    return {
      topic: first.topic,
      body,
      sysFlag: 0,
      flag: 0,
      properties: encodeProperties(new Map([["WAIT", wait ? "true" : "false"]])),
      msgId: ids.join(","),
      code: "SEND_BATCH_MESSAGE",
    };
  }

  /** The writable queues of `topic`, borrowing the default topic's route for a new topic. */
  async #publishQueues(topic: string): Promise<MessageQueue[]> {
    const instance = this.#running();
    this.#topics.add(topic);
    let route = instance.cachedRoute(topic) ?? await instance.updateTopicRoute(topic);
    if (route === undefined) {
      const fallback = await instance.topicRoute(AUTO_CREATE_TOPIC_KEY);
      if (fallback !== undefined) {
        route = defaultTopicRoute(fallback, this.#options.defaultTopicQueueNums ?? 4);
      }
    }
    const queues = route === undefined ? [] : publishQueues(topic, route);
    if (queues.length === 0) {
      throw new MQClientError(`Cannot send: no route for topic "${topic}"`, "NO_ROUTE");
    }
    return queues;
  }

  async #sendWithRetries(
    prepared: PreparedSend,
    options: SendOptions,
    oneway: boolean,
  ): Promise<SendResult | undefined> {
    const timeoutMs = options.timeoutMs ?? this.#options.sendTimeoutMs ?? 3000;
    const deadline = performance.now() + timeoutMs;
    const fixedQueue = options.queue !== undefined || options.selector !== undefined;
    const attempts = oneway || fixedQueue ? 1 : 1 + (this.#options.retryTimesWhenSendFailed ?? 2);
    let lastBroker: string | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      const queues = await this.#publishQueues(prepared.topic);
      const mq = options.queue ??
        (options.selector !== undefined
          ? options.selector(queues, options.arg)
          : this.#selector.select(queues, lastBroker)!);
      lastBroker = mq.brokerName;
      try {
        const response = await this.#sendToQueue(prepared, mq, { timeoutMs: left, oneway });
        if (response === undefined) return undefined;
        const result = this.#toResult(prepared, mq, response);
        if (
          result.status !== "SEND_OK" && this.#options.retryAnotherBrokerWhenNotStoreOk === true
        ) {
          lastError = new MQClientError(
            `Send to "${mq.brokerName}" was ${result.status}`,
            "SEND_FAILED",
          );
          continue;
        }
        return result;
      } catch (error) {
        if (error instanceof MQResponseError && !RETRY_RESPONSE_CODES.has(error.responseCode)) {
          throw error;
        }
        if (error instanceof MQClientError && error.code === "CLOSED") throw error;
        lastError = error;
        log.warn("Send failed, trying again", {
          topic: prepared.topic,
          broker: mq.brokerName,
          attempt,
          error,
        });
        if (
          error instanceof MQResponseError && error.responseCode === ResponseCode.TOPIC_NOT_EXIST
        ) {
          await this.#running().updateTopicRoute(prepared.topic).catch(() => undefined);
        }
      }
    }
    throw new MQClientError(
      `Cannot send to topic "${prepared.topic}": failed after retries within ${timeoutMs} ms`,
      "SEND_FAILED",
      lastError,
    );
  }

  async #sendToQueue(
    prepared: PreparedSend,
    mq: MessageQueue,
    options: { timeoutMs: number; oneway: boolean },
  ): Promise<SendResponse | undefined> {
    const instance = this.#running();
    const addr = await instance.findBrokerAddrOrRefresh(mq.brokerName, prepared.topic);
    const header: SendMessageHeader = {
      producerGroup: this.groupName,
      topic: prepared.topic,
      defaultTopic: AUTO_CREATE_TOPIC_KEY,
      defaultTopicQueueNums: this.#options.defaultTopicQueueNums ?? 4,
      queueId: mq.queueId,
      sysFlag: prepared.sysFlag,
      bornTimestamp: Date.now(),
      flag: prepared.flag,
      properties: prepared.properties,
      reconsumeTimes: 0,
      unitMode: false,
      batch: prepared.code === "SEND_BATCH_MESSAGE",
    };
    return await instance.api.sendMessage(addr, header, {
      body: prepared.body,
      code: prepared.code,
      timeoutMs: options.timeoutMs,
      oneway: options.oneway,
    });
  }

  #toResult(prepared: PreparedSend, mq: MessageQueue, response: SendResponse): SendResult {
    return {
      status: response.status,
      msgId: prepared.msgId,
      offsetMsgId: response.offsetMsgId,
      messageQueue: { ...mq, queueId: response.queueId },
      queueOffset: response.queueOffset,
      transactionId: response.transactionId,
      regionId: response.regionId,
      traceOn: response.traceOn,
    };
  }
}

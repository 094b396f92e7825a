/**
 * `MQVersion` ordinals that matter on the wire (the `version` header field),
 * and the language/version this project announces in every command it sends.
 *
 * Runs on: any
 * @module
 */

/** MQVersion ordinals (the value of the `version` header field) with a protocol meaning. */
export const MQVersion = {
  /** Name server decodes `RegisterBrokerBody` from brokers at or above this. */
  V3_0_11: 37,
  /** Broker honours `maxReconsumeTimes` at or above this; ali-ons always sends it. */
  V3_4_9: 121,
  /** rocketmq-client-go v2 always sends this. */
  V4_5_2: 317,
  /** Name server returns standard JSON route data at or above this. */
  V4_9_4: 401,
  /** First 5.x release. */
  V5_0_0: 413,
  /** GO_AWAY is answered only to requests above this. */
  V5_3_1: 475,
  /** Current Java 5.x client and broker. */
  V5_3_3: 479,
} as const;

/**
 * Language name our servers and clients put in every header. Real Java
 * servers answer with their own `JAVA` whatever the client sent, and clients
 * do not check it, so we look like a Java 4.9.4 component.
 */
export const LOCAL_LANGUAGE = "JAVA";

/** Version ordinal our servers and clients put in every header: V4_9_4 (401). */
export const LOCAL_VERSION: number = MQVersion.V4_9_4;

/**
 * Every `mqadmin` command, in the order the command list shows them.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { brokerStatus } from "./broker_status.ts";
import { clusterList } from "./cluster_list.ts";
import { clusterSendMsgRT } from "./cluster_send_msg_rt.ts";
import { consumeMessage } from "./consume_message.ts";
import { consumerConnection } from "./consumer_connection.ts";
import { consumerProgress } from "./consumer_progress.ts";
import { deleteSubGroup } from "./delete_sub_group.ts";
import { deleteTopic } from "./delete_topic.ts";
import { getBrokerConfig } from "./get_broker_config.ts";
import { producerConnection } from "./producer_connection.ts";
import { queryMsgById } from "./query_msg_by_id.ts";
import { queryMsgByKey } from "./query_msg_by_key.ts";
import { queryMsgByOffset } from "./query_msg_by_offset.ts";
import { resetOffsetByTime } from "./reset_offset_by_time.ts";
import { sendMessage } from "./send_message.ts";
import { statsAll } from "./stats_all.ts";
import { topicList } from "./topic_list.ts";
import { topicRoute } from "./topic_route.ts";
import { topicStatus } from "./topic_status.ts";
import { updateBrokerConfig } from "./update_broker_config.ts";
import { updateSubGroup } from "./update_sub_group.ts";
import { updateTopic } from "./update_topic.ts";

/** The commands of `mqadmin`. */
export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  updateTopic,
  deleteTopic,
  updateSubGroup,
  deleteSubGroup,
  updateBrokerConfig,
  topicRoute,
  topicStatus,
  topicList,
  brokerStatus,
  queryMsgById,
  queryMsgByKey,
  queryMsgByOffset,
  sendMessage,
  consumeMessage,
  producerConnection,
  consumerConnection,
  consumerProgress,
  resetOffsetByTime,
  clusterList,
  getBrokerConfig,
  statsAll,
  clusterSendMsgRT,
];

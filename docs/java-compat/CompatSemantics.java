// Drives the messaging semantics of a broker through the Java RocketMQ 4.9.4 client: delay levels,
// retry by RECONSUME_LATER then DLQ, transactions (commit, rollback, UNKNOW resolved by check-back),
// orderly consumption of selector-ordered sends, SQL92 and tag filters.
// Prints one "CHECK <name> PASS|FAIL <details>" line per check; exits 1 when any check failed.
// The broker needs enablePropertyFilter=true and a short transactionCheckInterval (e.g. 5000).
//
//   javac -cp "$RMQ_CP" -d classes CompatSemantics.java
//   java $RMQ_JOPTS -cp "classes:$RMQ_CP" CompatSemantics 127.0.0.1:9876 [delay|retry|tx|order|sql|tag ...]
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.rocketmq.client.consumer.*;
import org.apache.rocketmq.client.consumer.listener.*;
import org.apache.rocketmq.client.producer.*;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.*;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.common.admin.TopicStatsTable;
import org.apache.rocketmq.common.admin.TopicOffset;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

public class CompatSemantics {
  static int failures = 0;
  static String ns;
  static String run;

  static void check(String name, boolean ok, String details) {
    System.out.println("CHECK " + name + " " + (ok ? "PASS" : "FAIL") + " " + details);
    if (!ok) failures++;
  }

  interface Cond { boolean ok(); }

  static boolean waitFor(Cond c, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      if (c.ok()) return true;
      Thread.sleep(100);
    }
    return c.ok();
  }

  static DefaultMQProducer producer(String group) throws Exception {
    DefaultMQProducer p = new DefaultMQProducer(group);
    p.setNamesrvAddr(ns);
    p.setInstanceName(group);
    p.start();
    return p;
  }

  static DefaultMQPushConsumer consumer(String group) {
    DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
    c.setNamesrvAddr(ns);
    c.setInstanceName(group);
    c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    return c;
  }

  public static void main(String[] args) throws Exception {
    ns = args.length > 0 ? args[0] : "127.0.0.1:9876";
    run = Long.toString(System.currentTimeMillis() % 1_000_000_000L);
    Set<String> which = new HashSet<>();
    for (int i = 1; i < args.length; i++) which.add(args[i]);
    String[] all = {"delay", "retry", "tx", "order", "sql", "tag"};
    for (String name : all) {
      if (!which.isEmpty() && !which.contains(name)) continue;
      try {
        switch (name) {
          case "delay": delay(); break;
          case "retry": retry(); break;
          case "tx": tx(); break;
          case "order": order(); break;
          case "sql": sql(); break;
          case "tag": tag(); break;
        }
      } catch (Exception e) {
        check(name, false, "exception " + e);
        e.printStackTrace();
      }
    }
    System.out.println("run=" + run + " failures=" + failures);
    System.exit(failures == 0 ? 0 : 1);
  }

  // Level 2 = 5 s in the default table; consumed once, not before 5 s.
  static void delay() throws Exception {
    String topic = "CompatDelay_" + run;
    DefaultMQProducer p = producer("compat_delay_pg_" + run);
    Map<String, Long> arrivals = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    p.send(new Message(topic, "warmup", "warmup".getBytes()));
    DefaultMQPushConsumer c = consumer("compat_delay_cg_" + run);
    c.subscribe(topic, "*");
    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
      for (MessageExt m : msgs) {
        arrivals.put(m.getKeys() == null ? "" : m.getKeys(), System.currentTimeMillis());
        deliveries.incrementAndGet();
      }
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    c.start();
    waitFor(() -> arrivals.containsKey(""), 20_000);
    Message m = new Message(topic, "delayed", "delayed-1", "delayed".getBytes());
    m.setDelayTimeLevel(2);
    long sentAt = System.currentTimeMillis();
    SendResult r = p.send(m);
    waitFor(() -> arrivals.containsKey("delayed-1"), 30_000);
    Thread.sleep(1500);
    Long at = arrivals.get("delayed-1");
    long took = at == null ? -1 : at - sentAt;
    check("delay.level2", at != null && took >= 4900 && took < 12_000 && deliveries.get() == 2,
        "send=" + r.getSendStatus() + " arrivedAfterMs=" + took + " deliveries=" + deliveries.get());
    c.shutdown();
    p.shutdown();
  }

  // A consumer with maxReconsumeTimes=2 that always answers RECONSUME_LATER (next delay level 1 = 1 s):
  // 3 deliveries (reconsumeTimes 0, 1, 2), then the message is in %DLQ%<group> with its key.
  static void retry() throws Exception {
    String topic = "CompatRetry_" + run;
    String group = "compat_retry_cg_" + run;
    DefaultMQProducer p = producer("compat_retry_pg_" + run);
    List<Integer> reconsumeTimes = Collections.synchronizedList(new ArrayList<>());
    List<Long> times = Collections.synchronizedList(new ArrayList<>());
    // create the topic first: a consumer whose instance knows no broker yet sends its first
    // heartbeat only after its next 30 s route poll (Java client start-up race, any broker)
    p.send(new Message(topic, "warmup", "warmup".getBytes()));
    DefaultMQPushConsumer c = consumer(group);
    c.setMaxReconsumeTimes(2);
    c.subscribe(topic, "*");
    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
      for (MessageExt m : msgs) {
        if (!"retry-1".equals(m.getKeys())) continue;
        reconsumeTimes.add(m.getReconsumeTimes());
        times.add(System.currentTimeMillis());
        ctx.setDelayLevelWhenNextConsume(1);
        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      }
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    c.start();
    SendResult r = p.send(new Message(topic, "r", "retry-1", "always fails".getBytes()));
    waitFor(() -> reconsumeTimes.size() >= 3, 40_000);
    Thread.sleep(5000);
    check("retry.reconsume", reconsumeTimes.equals(Arrays.asList(0, 1, 2)),
        "send=" + r.getSendStatus() + " reconsumeTimes=" + reconsumeTimes + " gapsMs=" + gaps(times));
    DefaultMQAdminExt admin = new DefaultMQAdminExt("compat_admin_" + run);
    admin.setNamesrvAddr(ns);
    admin.start();
    String dlq = MixAll.DLQ_GROUP_TOPIC_PREFIX + group;
    try {
      TopicStatsTable stats = admin.examineTopicStats(dlq);
      long total = 0;
      for (TopicOffset o : stats.getOffsetTable().values()) total += o.getMaxOffset() - o.getMinOffset();
      QueryResult q = admin.queryMessage(dlq, "retry-1", 10, 0, Long.MAX_VALUE);
      String detail = "";
      boolean idOk = false;
      for (MessageExt m : q.getMessageList()) {
        detail += " dlqMsg{reconsumeTimes=" + m.getReconsumeTimes() + ",ORIGIN_MESSAGE_ID="
            + m.getProperty(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID) + ",RETRY_TOPIC="
            + m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC) + ",uniq=" + m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) + "}";
        idOk |= r.getMsgId().equals(m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
      }
      check("retry.dlq", total == 1 && q.getMessageList().size() == 1 && idOk,
          dlq + " messages=" + total + " byKey=" + q.getMessageList().size() + detail);
      TopicRouteData route = admin.examineTopicRouteInfo(dlq);
      System.out.println("  dlq route perm=" + route.getQueueDatas().get(0).getPerm()
          + " queues=" + route.getQueueDatas().get(0).getReadQueueNums());
    } catch (Exception e) {
      check("retry.dlq", false, e.toString());
    }
    admin.shutdown();
    c.shutdown();
    p.shutdown();
  }

  static String gaps(List<Long> times) {
    List<Long> g = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) g.add(times.get(i) - times.get(i - 1));
    return g.toString();
  }

  // Three half messages: COMMIT, ROLLBACK, UNKNOW (resolved COMMIT by the check listener).
  static void tx() throws Exception {
    String topic = "CompatTx_" + run;
    TransactionMQProducer p = new TransactionMQProducer("compat_tx_pg_" + run);
    p.setNamesrvAddr(ns);
    p.setInstanceName("compat_tx_pg_" + run);
    AtomicInteger checks = new AtomicInteger();
    Map<String, String> checkedKeys = new ConcurrentHashMap<>();
    p.setTransactionListener(new TransactionListener() {
      public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
        switch (msg.getKeys()) {
          case "tx-commit": return LocalTransactionState.COMMIT_MESSAGE;
          case "tx-rollback": return LocalTransactionState.ROLLBACK_MESSAGE;
          default: return LocalTransactionState.UNKNOW;
        }
      }
      public LocalTransactionState checkLocalTransaction(MessageExt msg) {
        checks.incrementAndGet();
        checkedKeys.put(msg.getKeys(), msg.getTransactionId() == null ? "null" : msg.getTransactionId());
        return "tx-unknown".equals(msg.getKeys()) ? LocalTransactionState.COMMIT_MESSAGE
            : LocalTransactionState.ROLLBACK_MESSAGE;
      }
    });
    p.start();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    DefaultMQPushConsumer c = consumer("compat_tx_cg_" + run);
    c.subscribe(topic, "*");
    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
      for (MessageExt m : msgs) seen.merge(m.getKeys(), 1, Integer::sum);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    String states = "";
    long sentAt = System.currentTimeMillis();
    for (String key : new String[] {"tx-commit", "tx-rollback", "tx-unknown"}) {
      TransactionSendResult r = p.sendMessageInTransaction(new Message(topic, "tx", key, key.getBytes()), null);
      states += " " + key + "=" + r.getSendStatus() + "/" + r.getLocalTransactionState();
    }
    c.start();
    waitFor(() -> seen.containsKey("tx-commit"), 20_000);
    check("tx.commit", seen.getOrDefault("tx-commit", 0) == 1, "seen=" + seen + states);
    waitFor(() -> seen.containsKey("tx-unknown"), 150_000);
    long took = System.currentTimeMillis() - sentAt;
    Thread.sleep(3000);
    check("tx.checkback", seen.getOrDefault("tx-unknown", 0) == 1 && checkedKeys.containsKey("tx-unknown"),
        "seen=" + seen + " checks=" + checks.get() + " checked=" + checkedKeys.keySet() + " visibleAfterMs=" + took);
    check("tx.rollback", !seen.containsKey("tx-rollback") && !checkedKeys.containsKey("tx-rollback"),
        "seen=" + seen.keySet() + " checked=" + checkedKeys.keySet());
    c.shutdown();
    p.shutdown();
  }

  // 4 orders x 10 steps sent by a selector (orderId % queues); an orderly listener must see each
  // order's steps in sequence; one SUSPEND_CURRENT_QUEUE_A_MOMENT must redeliver the same step.
  static void order() throws Exception {
    String topic = "CompatOrder_" + run;
    DefaultMQProducer p = producer("compat_order_pg_" + run);
    int orders = 4, steps = 10;
    MessageQueueSelector selector = (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size());
    for (int s = 0; s < steps; s++) {
      for (int o = 0; o < orders; o++) {
        Message m = new Message(topic, "o", "order-" + o + "-" + s, ("order " + o + " step " + s).getBytes());
        m.putUserProperty("orderId", Integer.toString(o));
        m.putUserProperty("step", Integer.toString(s));
        p.send(m, selector, o);
      }
    }
    Map<Integer, List<Integer>> got = new ConcurrentHashMap<>();
    Map<Integer, Set<Integer>> queueOf = new ConcurrentHashMap<>();
    AtomicBoolean suspended = new AtomicBoolean();
    AtomicInteger total = new AtomicInteger();
    DefaultMQPushConsumer c = consumer("compat_order_cg_" + run);
    c.subscribe(topic, "*");
    c.setConsumeMessageBatchMaxSize(1);
    c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
      for (MessageExt m : msgs) {
        int o = Integer.parseInt(m.getUserProperty("orderId"));
        int s = Integer.parseInt(m.getUserProperty("step"));
        if (o == 1 && s == 5 && suspended.compareAndSet(false, true)) {
          return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }
        got.computeIfAbsent(o, k -> Collections.synchronizedList(new ArrayList<>())).add(s);
        queueOf.computeIfAbsent(o, k -> ConcurrentHashMap.newKeySet()).add(m.getQueueId());
        total.incrementAndGet();
      }
      return ConsumeOrderlyStatus.SUCCESS;
    });
    c.start();
    waitFor(() -> total.get() >= orders * steps, 60_000);
    Thread.sleep(1500);
    boolean inOrder = got.size() == orders;
    for (List<Integer> l : got.values()) {
      for (int i = 0; i < l.size(); i++) inOrder &= l.get(i) == i;
      inOrder &= l.size() == steps;
    }
    check("order.orderly", inOrder && suspended.get(),
        "consumed=" + total.get() + "/" + (orders * steps) + " perOrder=" + got + " queues=" + queueOf
            + " suspendedOnce=" + suspended.get());
    c.shutdown();
    p.shutdown();
  }

  static void sql() throws Exception {
    String topic = "CompatSql_" + run;
    DefaultMQProducer p = producer("compat_sql_pg_" + run);
    p.send(new Message(topic, "warm", "warm".getBytes()));
    Set<String> seen = ConcurrentHashMap.newKeySet();
    DefaultMQPushConsumer c = consumer("compat_sql_cg_" + run);
    c.subscribe(topic, MessageSelector.bySql("(a BETWEEN 3 AND 6 AND color IN ('red', 'blue')) OR name IS NOT NULL"));
    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
      for (MessageExt m : msgs) seen.add(m.getKeys());
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    c.start();
    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < 10; i++) {
      Message m = new Message(topic, "t", "sql-" + i, ("sql " + i).getBytes());
      m.putUserProperty("a", Integer.toString(i));
      m.putUserProperty("color", i % 2 == 0 ? "red" : "green");
      if (i == 9) m.putUserProperty("name", "nine");
      p.send(m);
      if ((i >= 3 && i <= 6 && i % 2 == 0) || i == 9) expected.add("sql-" + i);
    }
    waitFor(() -> seen.size() >= expected.size(), 30_000);
    Thread.sleep(3000);
    check("filter.sql92", new TreeSet<>(seen).equals(expected), "seen=" + new TreeSet<>(seen) + " expected=" + expected);
    c.shutdown();
    // an invalid expression is refused
    DefaultMQPushConsumer bad = consumer("compat_sqlbad_cg_" + run);
    String badResult;
    try {
      bad.subscribe(topic, MessageSelector.bySql("a >>> 3"));
      bad.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
      bad.start();
      badResult = "started";
    } catch (Exception e) {
      badResult = e.getClass().getSimpleName() + ": " + e.getMessage().split("\n")[0];
    }
    System.out.println("  invalid SQL subscription: " + badResult);
    bad.shutdown();
    p.shutdown();
  }

  static void tag() throws Exception {
    String topic = "CompatTag_" + run;
    DefaultMQProducer p = producer("compat_tag_pg_" + run);
    p.send(new Message(topic, "warm", "warm".getBytes()));
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    DefaultMQPushConsumer c = consumer("compat_tag_cg_" + run);
    c.subscribe(topic, "TagA || TagB");
    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
      for (MessageExt m : msgs) seen.merge(m.getTags(), 1, Integer::sum);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    c.start();
    for (int i = 0; i < 30; i++) {
      String t = new String[] {"TagA", "TagB", "TagC"}[i % 3];
      p.send(new Message(topic, t, "tag-" + i, t.getBytes()));
    }
    waitFor(() -> seen.getOrDefault("TagA", 0) + seen.getOrDefault("TagB", 0) >= 20, 30_000);
    Thread.sleep(3000);
    check("filter.tag", seen.getOrDefault("TagA", 0) == 10 && seen.getOrDefault("TagB", 0) == 10 && seen.size() == 2,
        "seen=" + seen);
    c.shutdown();
    p.shutdown();
  }
}

// Drives a broker through the Java RocketMQ 4.9.4 client: sync, async, one-way and batch sends,
// push consumers (clustering and broadcasting), DefaultMQPullConsumer and DefaultLitePullConsumer.
// Prints one "CHECK <name> PASS|FAIL <details>" line per check; exits 1 when any check failed.
//
//   javac -cp "$RMQ_CP" -d classes CompatBasic.java
//   java $RMQ_JOPTS -cp "classes:$RMQ_CP" CompatBasic 127.0.0.1:9876
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.rocketmq.client.consumer.*;
import org.apache.rocketmq.client.consumer.listener.*;
import org.apache.rocketmq.client.producer.*;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.*;
import org.apache.rocketmq.common.protocol.heartbeat.MessageModel;

public class CompatBasic {
  static int failures = 0;

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

  public static void main(String[] args) throws Exception {
    String ns = args.length > 0 ? args[0] : "127.0.0.1:9876";
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L);
    String topic = "CompatBasic_" + run;
    int perKind = 20;

    DefaultMQProducer producer = new DefaultMQProducer("compat_pg_" + run);
    producer.setNamesrvAddr(ns);
    producer.start();
    Set<String> sentIds = ConcurrentHashMap.newKeySet();
    try {
      // sync
      int syncOk = 0;
      for (int i = 0; i < perKind; i++) {
        Message m = new Message(topic, "TagS", "sync-" + i, ("sync " + i).getBytes("UTF-8"));
        m.putUserProperty("kind", "sync");
        SendResult r = producer.send(m);
        if (r.getSendStatus() == SendStatus.SEND_OK) syncOk++;
        sentIds.add(r.getMsgId());
        if (i == 0) System.out.println("  first sync result: " + r);
      }
      check("send.sync", syncOk == perKind, syncOk + "/" + perKind + " SEND_OK");

      // async
      CountDownLatch asyncDone = new CountDownLatch(perKind);
      AtomicInteger asyncOk = new AtomicInteger();
      AtomicReference<Throwable> asyncErr = new AtomicReference<>();
      for (int i = 0; i < perKind; i++) {
        Message m = new Message(topic, "TagA", "async-" + i, ("async " + i).getBytes("UTF-8"));
        producer.send(m, new SendCallback() {
          public void onSuccess(SendResult r) {
            if (r.getSendStatus() == SendStatus.SEND_OK) asyncOk.incrementAndGet();
            sentIds.add(r.getMsgId());
            asyncDone.countDown();
          }
          public void onException(Throwable e) {
            asyncErr.set(e);
            asyncDone.countDown();
          }
        });
      }
      asyncDone.await(30, TimeUnit.SECONDS);
      check("send.async", asyncOk.get() == perKind,
          asyncOk.get() + "/" + perKind + " SEND_OK" + (asyncErr.get() == null ? "" : " err=" + asyncErr.get()));

      // one-way
      for (int i = 0; i < perKind; i++) {
        producer.sendOneway(new Message(topic, "TagO", "oneway-" + i, ("oneway " + i).getBytes("UTF-8")));
      }
      check("send.oneway", true, perKind + " sent (counted by the consumers below)");

      // batch
      List<Message> batch = new ArrayList<>();
      for (int i = 0; i < perKind; i++) {
        batch.add(new Message(topic, "TagB", "batch-" + i, ("batch " + i).getBytes("UTF-8")));
      }
      SendResult br = producer.send(batch);
      check("send.batch", br.getSendStatus() == SendStatus.SEND_OK && br.getMsgId().split(",").length == perKind,
          br.getSendStatus() + " ids=" + br.getMsgId().split(",").length + " queue=" + br.getMessageQueue()
              + " offset=" + br.getQueueOffset());
    } catch (Exception e) {
      check("send", false, e.toString());
      e.printStackTrace();
    }
    int total = perKind * 4;

    // push consumer, clustering, two instances in one group
    Map<String, Integer> clusterSeen = new ConcurrentHashMap<>();
    AtomicInteger clusterDeliveries = new AtomicInteger();
    List<DefaultMQPushConsumer> consumers = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      DefaultMQPushConsumer pc = new DefaultMQPushConsumer("compat_cg_" + run);
      pc.setNamesrvAddr(ns);
      pc.setInstanceName("cluster" + c);
      pc.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
      pc.subscribe(topic, "*");
      pc.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
        for (MessageExt m : msgs) {
          clusterSeen.merge(m.getKeys(), 1, Integer::sum);
          clusterDeliveries.incrementAndGet();
        }
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      });
      pc.start();
      consumers.add(pc);
    }
    waitFor(() -> clusterSeen.size() >= total, 60_000);
    Thread.sleep(2000);
    // At-least-once: while the second instance joins, a queue can be consumed by both instances
    // until the first one has persisted its offset (Java client behaviour, on any broker).
    check("push.clustering", clusterSeen.size() == total,
        "distinct=" + clusterSeen.size() + "/" + total + " deliveries=" + clusterDeliveries.get());
    for (DefaultMQPushConsumer pc : consumers) pc.shutdown();

    // push consumer, broadcasting, two instances: each gets everything
    List<Map<String, Integer>> bcSeen = new ArrayList<>();
    consumers.clear();
    for (int c = 0; c < 2; c++) {
      Map<String, Integer> seen = new ConcurrentHashMap<>();
      bcSeen.add(seen);
      DefaultMQPushConsumer pc = new DefaultMQPushConsumer("compat_bc_" + run);
      pc.setNamesrvAddr(ns);
      pc.setInstanceName("broadcast" + c);
      pc.setMessageModel(MessageModel.BROADCASTING);
      pc.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
      pc.subscribe(topic, "*");
      pc.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
        for (MessageExt m : msgs) seen.merge(m.getKeys(), 1, Integer::sum);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      });
      pc.start();
      consumers.add(pc);
    }
    waitFor(() -> bcSeen.get(0).size() >= total && bcSeen.get(1).size() >= total, 60_000);
    check("push.broadcasting", bcSeen.get(0).size() == total && bcSeen.get(1).size() == total,
        "instance0=" + bcSeen.get(0).size() + " instance1=" + bcSeen.get(1).size() + " of " + total);
    for (DefaultMQPushConsumer pc : consumers) pc.shutdown();

    // DefaultMQPullConsumer: pull every queue from its min offset
    DefaultMQPullConsumer pull = new DefaultMQPullConsumer("compat_pull_" + run);
    pull.setNamesrvAddr(ns);
    pull.start();
    int pulled = 0;
    String pullDetail = "";
    try {
      Set<MessageQueue> mqs = pull.fetchSubscribeMessageQueues(topic);
      for (MessageQueue mq : mqs) {
        long offset = pull.minOffset(mq);
        long max = pull.maxOffset(mq);
        for (int round = 0; round < 50 && offset < max; round++) {
          PullResult pr = pull.pullBlockIfNotFound(mq, "*", offset, 32);
          if (pr.getPullStatus() != PullStatus.FOUND) break;
          pulled += pr.getMsgFoundList().size();
          offset = pr.getNextBeginOffset();
        }
        pull.updateConsumeOffset(mq, offset);
      }
      // tag-filtered pull on the same queues
      int tagged = 0;
      for (MessageQueue mq : mqs) {
        PullResult pr = pull.pull(mq, "TagB", 0, 32);
        if (pr.getPullStatus() == PullStatus.FOUND) {
          for (MessageExt m : pr.getMsgFoundList()) if ("TagB".equals(m.getTags())) tagged++;
        }
      }
      pullDetail = " queues=" + mqs.size() + " tagB=" + tagged;
      check("pull.tag", tagged == perKind, "TagB pulled=" + tagged + "/" + perKind);
    } catch (Exception e) {
      pullDetail = " " + e;
      e.printStackTrace();
    }
    check("pull.default", pulled == total, "pulled=" + pulled + "/" + total + pullDetail);
    pull.shutdown();

    // DefaultLitePullConsumer, subscribe mode
    DefaultLitePullConsumer lite = new DefaultLitePullConsumer("compat_lite_" + run);
    lite.setNamesrvAddr(ns);
    lite.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    lite.subscribe(topic, "*");
    lite.start();
    Set<String> liteSeen = new HashSet<>();
    long end = System.currentTimeMillis() + 30_000;
    while (liteSeen.size() < total && System.currentTimeMillis() < end) {
      for (MessageExt m : lite.poll(1000)) liteSeen.add(m.getKeys());
    }
    check("pull.lite.subscribe", liteSeen.size() == total, "polled distinct=" + liteSeen.size() + "/" + total);
    lite.shutdown();

    // DefaultLitePullConsumer, assign + seek
    DefaultLitePullConsumer assign = new DefaultLitePullConsumer("compat_assign_" + run);
    assign.setNamesrvAddr(ns);
    assign.setAutoCommit(false);
    assign.start();
    Collection<MessageQueue> all = assign.fetchMessageQueues(topic);
    assign.assign(all);
    for (MessageQueue mq : all) assign.seek(mq, 0);
    Set<String> assignSeen = new HashSet<>();
    end = System.currentTimeMillis() + 30_000;
    while (assignSeen.size() < total && System.currentTimeMillis() < end) {
      for (MessageExt m : assign.poll(1000)) assignSeen.add(m.getKeys());
    }
    assign.commitSync();
    check("pull.lite.assign", assignSeen.size() == total, "polled distinct=" + assignSeen.size() + "/" + total);
    assign.shutdown();
    producer.shutdown();
    System.out.println("topic=" + topic + " failures=" + failures);
    System.exit(failures == 0 ? 0 : 1);
  }
}

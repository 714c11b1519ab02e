import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates Kafka topics that do not exist yet; run by scripts/stack.sh as a single-file program
 * on the broker's classpath. Arguments: bootstrap, replication factor, then name:partitions[:compact] ...
 * Retries until the broker answers or the deadline passes, so it doubles as the readiness check.
 */
public class CreateTopics {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        long deadline = System.currentTimeMillis() + 60_000;
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    Set<String> existing = admin.listTopics().names().get();
                    List<NewTopic> wanted = new ArrayList<>();
                    short replication = Short.parseShort(args[1]);
                    for (int i = 2; i < args.length; i++) {
                        String[] spec = args[i].split(":");
                        if (existing.contains(spec[0])) {
                            continue;
                        }
                        NewTopic t = new NewTopic(spec[0], Integer.parseInt(spec[1]), replication);
                        if (spec.length > 2 && spec[2].equals("compact")) {
                            t.configs(Map.of("cleanup.policy", "compact"));
                        }
                        wanted.add(t);
                    }
                    if (!wanted.isEmpty()) {
                        admin.createTopics(wanted).all().get();
                        wanted.forEach(t -> System.out.println("created topic " + t.name() + " (" + t.numPartitions()
                                + " partitions, replication factor " + t.replicationFactor() + ")"));
                    }
                    return;
                } catch (Exception e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
        }
    }
}

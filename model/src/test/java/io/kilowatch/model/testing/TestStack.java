package io.kilowatch.model.testing;

import java.util.Map;
import java.util.UUID;

/**
 * Where the integration tests find the real stack that scripts/stack.sh started. The variables
 * are the ones stack.sh reads, so `scripts/test.sh` (which moves every port so a running demo is
 * left alone) and a hand-started `scripts/stack.sh up` both work. Shared through the model's
 * test jar so every module's tests agree.
 */
public record TestStack(int mqttPort, int kafkaPort, int influxPort, String influxDb) {

    public static TestStack fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new TestStack(
                Integer.parseInt(env.getOrDefault("KW_MQTT_PORT", "1883")),
                Integer.parseInt(env.getOrDefault("KW_KAFKA_PORT", "9092")),
                Integer.parseInt(env.getOrDefault("KW_INFLUX_PORT", "8086")),
                env.getOrDefault("KW_INFLUX_DB", "kilowatch"));
    }

    /** A variable of the stack's secrets.env (scripts/test.sh exports them), or null. */
    private static String secret(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * The stack's InfluxDB administrator (scripts/stack.sh turns authentication on): tests make and
     * drop scratch databases, so they write and read as it. None when the stack has no secrets.
     */
    public static io.kilowatch.model.InfluxLogin influxAdmin() {
        String pw = secret("KW_INFLUX_ADMIN_PASSWORD");
        return pw == null ? io.kilowatch.model.InfluxLogin.NONE : io.kilowatch.model.InfluxLogin.of("kw-admin", pw);
    }

    /**
     * A job's settings-file lines for this stack's InfluxDB, database {@code db}, logged in as
     * the administrator (tests make and drop their databases): for jobs that get their settings
     * from a file (the session cluster's).
     */
    public java.util.List<String> influxSettings(String db) {
        io.kilowatch.model.InfluxLogin admin = influxAdmin();
        return java.util.List.of(
                "influx.url=" + influxUrl(),
                "influx.database=" + db,
                "influx.username=" + java.util.Objects.toString(admin.username(), ""),
                "influx.password=" + java.util.Objects.toString(admin.password(), ""));
    }

    /** The read-only account the dashboards use. */
    public static io.kilowatch.model.InfluxLogin influxViewer() {
        String pw = secret("KW_INFLUX_VIEWER_PASSWORD");
        return pw == null ? io.kilowatch.model.InfluxLogin.NONE : io.kilowatch.model.InfluxLogin.of("kw-viewer", pw);
    }

    /** The ingest service's broker account's password ({@code kw-ingest}). */
    public String ingestPassword() {
        return secret("KW_MQTT_INGEST_PASSWORD");
    }

    /** The head-end account's password ({@code kw-fleet}): the simulator publishes for any meter with it. */
    public String fleetPassword() {
        return secret("KW_MQTT_FLEET_PASSWORD");
    }

    /** The operations account's password ({@code kw-ops}): may watch every customer's topics. */
    public String opsPassword() {
        return secret("KW_MQTT_OPS_PASSWORD");
    }

    /**
     * The settings that make a bridge keep the broker's accounts equal to the registry (the
     * stack's access folder, device key and reload command), as extra key/value pairs for
     * {@link #bridgeEnvironment}. Only for tests that log in as a meter or customer: a bridge
     * reading a test's own registry topic would otherwise write that registry's accounts alone.
     */
    public String[] brokerAccess() {
        java.util.List<String> kv = new java.util.ArrayList<>();
        for (String k :
                new String[] {"KW_MQTT_ACCESS_DIR", "KW_MQTT_ACCESS_DEVICE_KEY", "KW_MQTT_ACCESS_RELOAD_COMMAND"}) {
            kv.add(k);
            kv.add(java.util.Objects.requireNonNull(secret(k), k + " unset: source the stack's secrets.env"));
        }
        return kv.toArray(String[]::new);
    }

    /** The password the broker knows a registry-derived account by (meter/…, customer/…, concentrator/…). */
    public String devicePassword(String account) {
        return io.kilowatch.model.BrokerAccounts.password(secret("KW_MQTT_ACCESS_DEVICE_KEY"), account);
    }

    public String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    /** Mosquitto's TLS listener (stack.sh: {@code KW_MQTT_TLS_PORT}, by default the plain port + 7000). */
    public String mqttTlsUrl() {
        String port = secret("KW_MQTT_TLS_PORT");
        return "ssl://127.0.0.1:" + (port == null ? mqttPort + 7000 : Integer.parseInt(port));
    }

    /** The PKCS12 trust store with the stack's CA, which signed the TLS listener's certificate. */
    public java.nio.file.Path tlsTruststore() {
        String dir = System.getenv().getOrDefault("KW_STACK_DIR", ".stack");
        return java.nio.file.Path.of(dir, "tls", "truststore.p12");
    }

    public String tlsTruststorePassword() {
        return secret("KW_MQTT_TLS_TRUSTSTORE_PASSWORD");
    }

    /**
     * Every secret of the stack's secrets.env that this JVM was given (passwords, keys), for tests
     * that look for them where they must not be.
     */
    public static java.util.List<String> secrets() {
        return System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("KW_")
                        && (e.getKey().endsWith("_PASSWORD") || e.getKey().endsWith("_KEY")))
                .map(Map.Entry::getValue)
                .filter(v -> v.length() >= 16)
                .distinct()
                .toList();
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String influxUrl() {
        return "http://127.0.0.1:" + influxPort;
    }

    /**
     * The environment of an ingest bridge on this stack, as its configuration reads it
     * ({@code KW_*}): its own client id, a short session, an ephemeral HTTP port, and whatever
     * the test is about as further key/value pairs.
     */
    public Map<String, String> bridgeEnvironment(String clientId, String... extraKeysAndValues) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KW_MQTT_URL", mqttUrl());
        env.put("KW_MQTT_CLIENT_ID", clientId);
        env.put("KW_MQTT_SESSION_EXPIRY", "10m");
        env.put("KW_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("KW_HTTP_PORT", "0");
        env.put("KW_MQTT_USERNAME", io.kilowatch.model.BrokerAccounts.INGEST);
        // Its InfluxDB login, for a test that has it write its counters (KW_INFLUX_URL).
        if (influxAdmin().present()) {
            env.put("KW_INFLUX_USERNAME", influxAdmin().username());
            env.put("KW_INFLUX_PASSWORD", influxAdmin().password());
        }
        if (ingestPassword() != null) {
            env.put("KW_MQTT_PASSWORD", ingestPassword());
        }
        for (int i = 0; i < extraKeysAndValues.length; i += 2) {
            env.put(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
        }
        return env;
    }

    /**
     * The environment of a Flink job on this stack, as {@code JobConfig} reads it ({@code KW_*}):
     * the stack's Kafka, its InfluxDB with database {@code db}, and whatever the test is about as
     * further key/value pairs (which win). A mutable map, for tests that add to it.
     */
    public Map<String, String> jobEnvironment(String db, String... extraKeysAndValues) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KW_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("KW_INFLUX_URL", influxUrl());
        env.put("KW_INFLUX_DATABASE", db);
        if (influxAdmin().present()) {
            env.put("KW_INFLUX_USERNAME", influxAdmin().username());
            env.put("KW_INFLUX_PASSWORD", influxAdmin().password());
        }
        for (int i = 0; i < extraKeysAndValues.length; i += 2) {
            env.put(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
        }
        return env;
    }

    /** A prefix that keeps one test's meters, clients and groups apart from every other's on the shared stack. */
    public static String uniquePrefix(String test) {
        return test + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

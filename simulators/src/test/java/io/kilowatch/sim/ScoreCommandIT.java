package io.kilowatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `score` reads a real alerts topic to its end, skips what is not an alert, and writes its report. */
class ScoreCommandIT {
    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void scoresTheAlertsOnKafkaAgainstTheGroundTruth(@TempDir Path dir) throws Exception {
        String topic = TestStack.uniquePrefix("score") + ".alerts";
        new TestKafka(STACK).createTopics(new NewTopic(topic, 2, (short) 1));
        Instant t0 = Instant.parse("2026-06-16T00:00:00Z");
        long ms = t0.toEpochMilli();
        AlertCodec codec = new AlertCodec();
        List<Alert> alerts = List.of(
                new Alert(
                        "t1",
                        "area_outage",
                        "critical",
                        "transformer",
                        "T1",
                        null,
                        Alert.State.OPEN,
                        ms + 300_000,
                        ms,
                        2,
                        2,
                        "meters",
                        "dark"),
                new Alert(
                                "a1",
                                "meter_offline",
                                "warning",
                                "meter",
                                "A1",
                                "CA1",
                                Alert.State.OPEN,
                                ms + 120_000,
                                ms + 120_000,
                                0,
                                0,
                                "",
                                "dark")
                        .withParent("t1"),
                new Alert(
                                "a2",
                                "meter_offline",
                                "warning",
                                "meter",
                                "A2",
                                "CA2",
                                Alert.State.OPEN,
                                ms + 300_000,
                                ms + 300_000,
                                0,
                                0,
                                "",
                                "dark")
                        .withParent("t1"),
                new Alert(
                        "a3", "spike", "info", "meter", "B1", "CB1", Alert.State.OPEN, ms, ms, 50, 10, "kW", "spike"));
        try (KafkaProducer<byte[], byte[]> producer = new TestKafka(STACK).producer()) {
            for (Alert a : alerts) {
                producer.send(new ProducerRecord<>(
                                topic, a.subjectId().getBytes(StandardCharsets.UTF_8), codec.encode(a)))
                        .get();
            }
            producer.send(new ProducerRecord<>(
                            topic,
                            "x".getBytes(StandardCharsets.UTF_8),
                            "not an alert".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(
                            topic, "A1".getBytes(StandardCharsets.UTF_8), codec.encode(alerts.get(1))))
                    .get(); // redelivered
        }
        Path truth = dir.resolve("truth.csv");
        Files.write(
                truth,
                List.of(
                        "subject,type,start,end",
                        "T1,outage," + t0 + "," + t0.plusSeconds(900),
                        "B2,spike," + t0 + "," + t0.plusSeconds(60)));
        Path registry = dir.resolve("registry.csv");
        Files.write(
                registry,
                List.of(
                        RegistryCsv.header(),
                        RegistryCsv.row(
                                new RegistryEntry("A1", "CA1", "residential", "T1", "F1", "R1", "res", 8, 630, 230, 1)),
                        RegistryCsv.row(new RegistryEntry(
                                "A2", "CA2", "residential", "T1", "F1", "R1", "res", 8, 630, 230, 1))));

        int exit = SimulatorMain.commandLine(new SimulatorMain())
                .execute(
                        "score",
                        "--ground-truth",
                        truth.toString(),
                        "--registry",
                        registry.toString(),
                        "--kafka",
                        STACK.kafkaBootstrap(),
                        "--alerts-topic",
                        topic,
                        "--out",
                        dir.resolve("out").toString());

        assertThat(exit).isZero();
        List<String> csv = Files.readAllLines(dir.resolve("out/score.csv"));
        assertThat(csv)
                .containsExactly(
                        "alert_type,alerts,true_positives,precision,anomalies,detected,recall,delay_median_s,delay_max_s,explained,folded",
                        "area_outage,1,1,1.0000,1,1,1.0000,300.000,300.000,0,0",
                        "meter_offline,0,0,,0,0,,,,0,2",
                        "spike,1,0,0.0000,1,0,0.0000,,,0,0");
        assertThat(Files.readString(dir.resolve("out/score.md")))
                .contains("5 alert events", "| area_outage | 1 | 1 | 0 | 1.00 |");
    }
}

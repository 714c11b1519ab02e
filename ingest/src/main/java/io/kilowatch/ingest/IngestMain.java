package io.kilowatch.ingest;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar kilowatch-ingest.jar [--config FILE]}. Settings from the file (or
 * {@code KW_INGEST_CONFIG}) and {@code KW_*} environment variables; see docs/configuration.md.
 */
public final class IngestMain {
    private IngestMain() {}

    public static void main(String[] args) throws Exception {
        String file = args.length == 2 && args[0].equals("--config") ? args[1] : System.getenv("KW_INGEST_CONFIG");
        IngestConfig config = IngestConfig.load(file == null ? null : Path.of(file), System.getenv());
        IngestService service = IngestService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            stopped.countDown();
                        },
                        "ingest-shutdown"));
        stopped.await();
    }
}

package io.kilowatch.flink.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the v2 transport puts on the wire, against a loopback HTTP endpoint that records the
 * request and answers as InfluxDB 2.x documents ({@code POST /api/v2/write?org&bucket&precision},
 * {@code Authorization: Token …}, 204). No InfluxDB 2.x or 3.x can be installed on these machines
 * (docs/decisions.md); against the real InfluxDB 1.x the transport's 404 fails the job
 * (InfluxSinkIT).
 */
class V2TransportTest {
    @Test
    void writesLinesToTheBucketWithTheTokenAndReportsTheAnswer() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(204);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " | "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " | " + body);
            byte[] answer = status.get() == 204
                    ? new byte[0]
                    : "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}".getBytes();
            exchange.sendResponseHeaders(status.get(), status.get() == 204 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
        InfluxConfig config = InfluxConfig.local(
                        "http://127.0.0.1:" + server.getAddress().getPort(), "unused")
                .v2("s3cret", "grid-co", "kilowatch");
        try (V2Transport v2 = new V2Transport(config)) {
            InfluxTransport.Answer ok = v2.write(List.of(
                            "load,id=m1,interval=15m,level=meter kw_avg=1.5 1700000100000",
                            "load,id=m2,interval=15m,level=meter kw_avg=2.5 1700000100000"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(ok.status()).isEqualTo(204);
            assertThat(requests).singleElement().satisfies(r -> {
                assertThat(r).startsWith("POST /api/v2/write?");
                assertThat(r)
                        .contains("org=grid-co")
                        .contains("bucket=kilowatch")
                        .contains("precision=ms");
                assertThat(r).contains("| Token s3cret |");
                assertThat(r)
                        .endsWith("load,id=m1,interval=15m,level=meter kw_avg=1.5 1700000100000\n"
                                + "load,id=m2,interval=15m,level=meter kw_avg=2.5 1700000100000");
            });

            status.set(401);
            InfluxTransport.Answer refused = v2.write(List.of("load,id=m1,interval=15m,level=meter kw_avg=1.5 1"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.error()).isNull();
        } finally {
            server.stop(0);
        }
    }
}

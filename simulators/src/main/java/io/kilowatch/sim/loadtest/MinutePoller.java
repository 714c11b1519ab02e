package io.kilowatch.sim.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks InfluxDB four times a second how many readings the class-level 1-minute points of each
 * minute since the start count, and tells the {@link Ledger}, which notes when a minute first adds
 * up to what was published in it. A daemon thread, from {@link #start()} until {@link #stop()}.
 */
final class MinutePoller {
    private static final Pattern ROW = Pattern.compile("\\[(\\d+),(\\d+|null)\\]");

    private final String influxUrl;
    private final io.kilowatch.model.InfluxLogin login;
    private final String influxDb;
    private final Ledger ledger;
    private final long start;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean polling = true;
    private volatile long currentMinute;

    MinutePoller(String influxUrl, String influxDb, io.kilowatch.model.InfluxLogin login, Ledger ledger, long start) {
        this.login = login;
        this.influxUrl = influxUrl;
        this.influxDb = influxDb;
        this.ledger = ledger;
        this.start = start;
    }

    void start() {
        Thread t = new Thread(this::poll, "loadtest-influx-poller");
        t.setDaemon(true);
        t.start();
    }

    void stop() {
        polling = false;
    }

    /** The minute the publisher is in: a minute before it is over, and so complete when it adds up. */
    void minuteNow(long minuteStart) {
        currentMinute = minuteStart;
    }

    /** Readings counted per minute (epoch ms of its start) in InfluxDB since the start. */
    Map<Long, Long> minutes() throws IOException, InterruptedException {
        String q =
                "SELECT sum(\"readings\") FROM \"load\" WHERE \"level\" = 'class' AND \"interval\" = '1m' AND time >= "
                        + (start - Math.floorMod(start, 60_000L)) + "ms GROUP BY time(1m)";
        URI uri = URI.create(influxUrl + "/query?epoch=ms&db=" + URLEncoder.encode(influxDb, StandardCharsets.UTF_8)
                + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        String body = http.send(
                        login.apply(HttpRequest.newBuilder(uri)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Map<Long, Long> out = new HashMap<>();
        Matcher m = ROW.matcher(body);
        while (m.find()) {
            if (!m.group(2).equals("null")) {
                out.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    private void poll() {
        while (polling) {
            try {
                for (Map.Entry<Long, Long> e : minutes().entrySet()) {
                    ledger.observed(e.getKey(), e.getValue(), System.currentTimeMillis(), currentMinute > e.getKey());
                }
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // InfluxDB busy or restarting: ask again
            }
        }
    }
}

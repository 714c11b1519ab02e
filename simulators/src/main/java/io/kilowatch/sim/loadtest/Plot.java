package io.kilowatch.sim.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A two-panel PNG: readings/s over time (target, published, acknowledged) and per-minute latency. Headless Java2D, no chart library. */
final class Plot {
    private static final int W = 1000;
    private static final int H = 640;
    private static final int L = 80;
    private static final int R = 30;

    private Plot() {}

    /** One second of the run. */
    record Second(long t, double target, long published, long acked) {}

    /** One minute's latency in ms, from its window's close to its point being complete in InfluxDB. */
    record MinutePoint(long t, double closeToPointMs) {}

    static void write(Path file, List<Second> seconds, List<MinutePoint> minutes, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, L, 22);
        if (!seconds.isEmpty()) {
            long t0 = seconds.get(0).t();
            long t1 = Math.max(t0 + 1, seconds.get(seconds.size() - 1).t());
            double maxRate = 1;
            for (Second s : seconds) {
                maxRate = Math.max(maxRate, Math.max(s.target(), Math.max(s.published(), s.acked())));
            }
            int top = 40;
            int bottom = 320;
            axes(g, top, bottom, "readings/s", maxRate);
            series(
                    g,
                    seconds.stream().map(s -> new double[] {s.t(), s.target()}).toList(),
                    t0,
                    t1,
                    top,
                    bottom,
                    maxRate,
                    Color.GRAY);
            series(
                    g,
                    seconds.stream()
                            .map(s -> new double[] {s.t(), s.published()})
                            .toList(),
                    t0,
                    t1,
                    top,
                    bottom,
                    maxRate,
                    Color.BLUE);
            series(
                    g,
                    seconds.stream().map(s -> new double[] {s.t(), s.acked()}).toList(),
                    t0,
                    t1,
                    top,
                    bottom,
                    maxRate,
                    new Color(0, 140, 0));
            legend(g, top, new String[] {"target", "published", "acked by broker"}, new Color[] {
                Color.GRAY, Color.BLUE, new Color(0, 140, 0)
            });
            double maxLatency = 1;
            for (MinutePoint m : minutes) {
                maxLatency = Math.max(maxLatency, m.closeToPointMs());
            }
            int top2 = 370;
            int bottom2 = 610;
            axes(g, top2, bottom2, "latency, ms", maxLatency);
            series(
                    g,
                    minutes.stream()
                            .map(m -> new double[] {m.t(), m.closeToPointMs()})
                            .toList(),
                    t0,
                    t1,
                    top2,
                    bottom2,
                    maxLatency,
                    Color.RED);
            legend(g, top2, new String[] {"window close -> 1-min point complete"}, new Color[] {Color.RED});
            g.setColor(Color.BLACK);
            g.drawString("time (s from start): 0 .. " + (t1 - t0) / 1000, L, H - 8);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void axes(Graphics2D g, int top, int bottom, String label, double max) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawLine(L, top, L, bottom);
        g.drawLine(L, bottom, W - R, bottom);
        g.drawString(label, 5, top + 10);
        g.drawString(String.format("%,.0f", max), 5, top + 25);
        g.drawString("0", L - 15, bottom);
    }

    private static void series(
            Graphics2D g, List<double[]> points, long t0, long t1, int top, int bottom, double max, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f));
        int px = -1;
        int py = -1;
        for (double[] p : points) {
            int x = L + (int) ((p[0] - t0) * (W - L - R) / (double) (t1 - t0));
            int y = bottom - (int) (p[1] / max * (bottom - top));
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            } else {
                g.fillOval(x - 2, y - 2, 4, 4);
            }
            px = x;
            py = y;
        }
    }

    private static void legend(Graphics2D g, int top, String[] names, Color[] colors) {
        int x = W - R - 260;
        for (int i = 0; i < names.length; i++) {
            g.setColor(colors[i]);
            g.fillRect(x, top + 4 + i * 16, 12, 8);
            g.setColor(Color.BLACK);
            g.drawString(names[i], x + 18, top + 12 + i * 16);
        }
    }
}

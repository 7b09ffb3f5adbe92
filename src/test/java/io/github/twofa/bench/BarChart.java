package io.github.twofa.bench;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The results as an SVG bar chart, drawn without any library: a panel per step with a bar per kind of login, the
 * solid part up to the median and the light part up to the 95th percentile. Each panel has a scale of its own, as
 * the steps differ by orders of magnitude (under load the password step waits for argon2) while what matters is
 * how the kinds compare within a step.
 */
final class BarChart {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f"};
    private static final List<Step> STEPS = List.of(
            Step.LOGIN_PAGE, Step.PASSWORD, Step.SECOND_FACTOR, Step.CODES_LEFT_NOTICE, Step.TOKEN, Step.WHOLE_LOGIN);
    private static final int WIDTH = 1080;
    private static final int PANEL_WIDTH = 175;
    private static final int HEIGHT = 500;
    private static final int TOP = 70;
    private static final int BOTTOM = 400;
    private static final int BAR_WIDTH = 34;

    private final StringBuilder svg = new StringBuilder();
    private final List<KindResults.Summary> summaries;

    private BarChart(List<KindResults.Summary> summaries) {
        this.summaries = summaries;
    }

    static String svg(List<KindResults.Summary> summaries, String title) {
        return new BarChart(summaries).draw(title);
    }

    private String draw(String title) {
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(WIDTH / 2.0, 28, "middle", "font-size=\"16\" font-weight=\"bold\"", title);
        for (int i = 0; i < STEPS.size(); i++) {
            double left = 55 + i * PANEL_WIDTH;
            panel(left, left + PANEL_WIDTH - 50, STEPS.get(i));
        }
        legend();
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Axis, grid and the bars of one step between x = left and x = right. */
    private void panel(double left, double right, Step step) {
        double max = summaries.stream()
                .map(summary -> summary.steps().get(step))
                .filter(Objects::nonNull)
                .mapToDouble(KindResults.Stats::p95)
                .max()
                .orElse(1);
        double tick = niceTick(max / 5);
        double top = Math.ceil(max * 1.15 / tick) * tick;
        for (double value = 0; value <= top + tick / 2; value += tick) {
            double y = y(value, top);
            line(left, y, right, y, value == 0 ? "#333" : "#ddd");
            text(left - 6, y + 4, "end", "fill=\"#555\"", number(value));
        }
        text(left - 6, TOP - 14, "end", "fill=\"#555\"", "ms");
        double centre = (left + right) / 2;
        double firstBar = centre - BAR_WIDTH * summaries.size() / 2.0;
        for (int k = 0; k < summaries.size(); k++) {
            KindResults.Stats stats = summaries.get(k).steps().get(step);
            if (stats != null) {
                bar(firstBar + k * BAR_WIDTH, stats, top, COLOURS[k % COLOURS.length]);
            }
        }
        text(centre, BOTTOM + 18, "middle", "font-weight=\"bold\"", step.label());
    }

    private void bar(double x, KindResults.Stats stats, double scaleTop, String colour) {
        double width = BAR_WIDTH - 6;
        double p95Top = y(stats.p95(), scaleTop);
        double medianTop = y(stats.median(), scaleTop);
        rect(x, p95Top, width, BOTTOM - p95Top, colour, 0.35);
        rect(x, medianTop, width, BOTTOM - medianTop, colour, 1);
        text(x + width / 2, p95Top - 16, "middle", "font-weight=\"bold\"", number(stats.median()));
        text(x + width / 2, p95Top - 4, "middle", "fill=\"#666\" font-size=\"10\"", number(stats.p95()));
    }

    private void legend() {
        double x = 60;
        double y = HEIGHT - 50;
        for (int k = 0; k < summaries.size(); k++) {
            KindResults.Summary summary = summaries.get(k);
            rect(x, y - 11, 14, 14, COLOURS[k % COLOURS.length], 1);
            text(
                    x + 20,
                    y,
                    "start",
                    "",
                    summary.kind().label() + " (" + number(summary.loginsPerSecond()) + " logins/s)");
            x += 320;
        }
        text(
                60,
                HEIGHT - 22,
                "start",
                "fill=\"#555\"",
                "Each step on its own scale. Solid: median, with its value on top; "
                        + "light: 95th percentile (smaller figure). A backup code is typed into the code page like an app code.");
    }

    private double y(double value, double scaleTop) {
        return BOTTOM - (BOTTOM - TOP) * value / scaleTop;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    private static double niceTick(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1e-3))));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= rough) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private void rect(double x, double y, double width, double height, String colour, double opacity) {
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" " + "fill-opacity=\"%.2f\"/>%n",
                x,
                y,
                width,
                height,
                colour,
                opacity));
    }

    private void line(double x1, double y1, double x2, double y2, String colour) {
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1,
                y1,
                x2,
                y2,
                colour));
    }

    private void text(double x, double y, String anchor, String attributes, String content) {
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n",
                x,
                y,
                anchor,
                attributes,
                content.replace("&", "&amp;").replace("<", "&lt;")));
    }

    private static String number(double value) {
        return value >= 100 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}

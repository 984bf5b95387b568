package io.fmi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** One PNG per test: time against message size, log-log, measured (solid) and predicted (dashed) per channel. */
final class Charts {
    /** One color per channel: its measurement and its model share it. */
    private static final java.awt.Color[] PALETTE = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xd62728),
        new java.awt.Color(0x2ca02c), new java.awt.Color(0x9467bd), new java.awt.Color(0xff7f0e), new java.awt.Color(0x8c564b)};

    private Charts() {
    }

    static void write(List<FmiBench.Point> points, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        Map<FmiBench.Test, List<FmiBench.Point>> byTest = points.stream()
                .collect(Collectors.groupingBy(FmiBench.Point::test, TreeMap::new, Collectors.toList()));
        for (Map.Entry<FmiBench.Test, List<FmiBench.Point>> t : byTest.entrySet()) {
            String test = t.getKey().name().toLowerCase(Locale.ROOT);
            int peers = t.getValue().get(0).peers();
            XYChart chart = new XYChartBuilder().width(900).height(560)
                    .title(test + ", " + peers + " peers: measured (solid) and model (dashed)")
                    .xAxisTitle("message size (bytes)").yAxisTitle("time (microseconds)").build();
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmic(true);
            Map<String, List<FmiBench.Point>> byChannel = t.getValue().stream()
                    .collect(Collectors.groupingBy(FmiBench.Point::channel, TreeMap::new, Collectors.toList()));
            int next = 0;
            for (Map.Entry<String, List<FmiBench.Point>> c : byChannel.entrySet()) {
                java.awt.Color color = PALETTE[next++ % PALETTE.length];
                double[] x = c.getValue().stream().mapToDouble(FmiBench.Point::bytes).toArray();
                double[] measured = c.getValue().stream().mapToDouble(p -> Math.max(p.medianMicros(), 1e-3)).toArray();
                XYSeries m = chart.addSeries(c.getKey(), x, measured);
                m.setMarker(SeriesMarkers.CIRCLE);
                m.setLineColor(color);
                m.setMarkerColor(color);
                double[] model = c.getValue().stream().mapToDouble(p -> Math.max(p.predictedMicros(), 1e-3)).toArray();
                if (java.util.Arrays.stream(model).allMatch(Double::isFinite)) {
                    XYSeries p = chart.addSeries(c.getKey() + " (model)", x, model);
                    p.setLineStyle(SeriesLines.DASH_DASH);
                    p.setMarker(SeriesMarkers.NONE);
                    p.setLineColor(color);
                }
            }
            BitmapEncoder.saveBitmap(chart, dir.resolve(test).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}

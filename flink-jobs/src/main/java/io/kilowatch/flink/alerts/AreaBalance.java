package io.kilowatch.flink.alerts;

import io.kilowatch.model.Alert;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A transformer area's energy balance, keyed by transformerId: per quarter-hour, what its area
 * meter measured against what its customers' meters did. The share nobody metered is the line
 * losses (a few per cent) plus anything taken before a meter; above
 * {@link AlertRules#lossRatio()} for two quarters running is {@code excess_line_loss}.
 *
 * <p>A quarter is judged when event time is a quarter past its end (every meter has closed it by
 * then) and only when it is complete: the area meter and as many customer meters as the area
 * usually has. A customer meter that is dark would otherwise look like theft; after eight
 * incomplete quarters in a row the smaller count is taken as the area's new size.
 */
public class AreaBalance extends KeyedProcessFunction<String, AreaEnergy, Alert> {
    private static final long QUARTER_MS = 15 * 60_000L;
    private static final double MIN_AREA_KWH = 1.0;
    private static final int ACCEPT_NEW_SIZE_AFTER = 8;

    /** One quarter's sums. */
    public static class Quarter {
        public double areaKwh = Double.NaN;
        public double customersKwh;
        public int customerMeters;
    }

    /** The area's memory between quarters. */
    public static class Area {
        public int usualMeters;
        public int incompleteInARow;
        public Episode loss = new Episode();
    }

    private final AlertRules rules;
    private transient MapState<Long, Quarter> quarters;
    private transient ValueState<Area> area;

    public AreaBalance(AlertRules rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        quarters = getRuntimeContext().getMapState(new MapStateDescriptor<>("quarters", Types.LONG, TypeInformation.of(Quarter.class)));
        area = getRuntimeContext().getState(new ValueStateDescriptor<>("area", TypeInformation.of(Area.class)));
    }

    @Override
    public void processElement(AreaEnergy e, Context ctx, Collector<Alert> out) throws Exception {
        long judgeAt = e.quarterStart() + 2 * QUARTER_MS;
        if (judgeAt <= ctx.timerService().currentWatermark()) {
            return; // this quarter was judged already; a replay's late copy changes nothing
        }
        Quarter q = quarters.get(e.quarterStart());
        if (q == null) {
            q = new Quarter();
            ctx.timerService().registerEventTimeTimer(judgeAt);
        }
        if (e.areaMeter()) {
            q.areaKwh = Double.isNaN(q.areaKwh) ? e.kwh() : q.areaKwh + e.kwh();
        } else {
            q.customersKwh += e.kwh();
            q.customerMeters++;
        }
        quarters.put(e.quarterStart(), q);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        long quarterStart = t - 2 * QUARTER_MS;
        Quarter q = quarters.get(quarterStart);
        quarters.remove(quarterStart);
        if (q == null || Double.isNaN(q.areaKwh) || q.areaKwh < MIN_AREA_KWH) {
            return;
        }
        Area a = area.value();
        if (a == null) {
            a = new Area();
        }
        if (q.customerMeters < a.usualMeters && ++a.incompleteInARow < ACCEPT_NEW_SIZE_AFTER) {
            area.update(a);
            return;
        }
        a.usualMeters = q.customerMeters;
        a.incompleteInARow = 0;
        double loss = (q.areaKwh - q.customersKwh) / q.areaKwh;
        String transformer = ctx.getCurrentKey();
        // Quarters are the episode's clock (two lossy quarters open it, two clean ones end it);
        // the alert's time is when it was judged.
        Episode.Step step = a.loss.observe(quarterStart, loss > rules.lossRatio(), loss, true, QUARTER_MS, QUARTER_MS);
        if (step != Episode.Step.NOTHING) {
            boolean open = step == Episode.Step.OPENED;
            String message = open ? Messages.lossOpened(transformer, a.loss.worst, rules.lossRatio())
                    : Messages.lossResolved(transformer, a.loss.worst, rules.lossRatio());
            out.collect(new Alert(Condition.alertId(transformer, "excess_line_loss", a.loss.openedAt), "excess_line_loss", "warning",
                    "transformer", transformer, null, open ? Alert.State.OPEN : Alert.State.RESOLVED, t, a.loss.openedAt,
                    Math.round(a.loss.worst * 1000) / 1000.0, rules.lossRatio(), "ratio", message));
        }
        area.update(a);
    }
}

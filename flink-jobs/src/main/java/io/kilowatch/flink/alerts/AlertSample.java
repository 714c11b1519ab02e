package io.kilowatch.flink.alerts;

import io.kilowatch.flink.records.WireType;
import io.kilowatch.model.Reading;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The part of a reading the alert rules look at, slimmed before the shuffle by meter. Absent
 * quantities are {@code NaN}: kW and kWh as sent, apparent power in kVA (from kvar, else from
 * the power factor, else kW), power factor (sent, else from kW and kvar), the lowest and highest
 * phase voltage in V and the highest phase current in A.
 */
@TypeInfo(AlertSample.Type.class)
public record AlertSample(
        String meterId,
        long ts,
        double kw,
        double importKwh,
        double kva,
        double pf,
        double minVoltageV,
        double maxVoltageV,
        double maxCurrentA) {

    public static AlertSample of(Reading r) {
        double kw = r.kw();
        double kva;
        double pf = r.pf() == null ? Double.NaN : r.pf();
        if (r.kvar() != null) {
            kva = Math.hypot(kw, r.kvar());
            if (Double.isNaN(pf) && kva > 0) {
                pf = Math.abs(kw) / kva;
            }
        } else if (!Double.isNaN(pf) && Math.abs(pf) >= 0.05) {
            kva = Math.abs(kw / pf);
        } else {
            kva = Math.abs(kw);
        }
        double vMin = Double.NaN;
        double vMax = Double.NaN;
        if (r.voltageV() != null) {
            for (double v : r.voltageV()) {
                vMin = Double.isNaN(vMin) ? v : Math.min(vMin, v);
                vMax = Double.isNaN(vMax) ? v : Math.max(vMax, v);
            }
        }
        double iMax = Double.NaN;
        if (r.currentA() != null) {
            for (double a : r.currentA()) {
                iMax = Double.isNaN(iMax) ? Math.abs(a) : Math.max(iMax, Math.abs(a));
            }
        }
        return new AlertSample(
                r.meterId(), r.ts(), kw, r.importKwh() == null ? Double.NaN : r.importKwh(), kva, pf, vMin, vMax, iMax);
    }

    public static final class Codec extends WireType.Codec<AlertSample> {
        static final Codec INSTANCE = new Codec();

        private Codec() {
            super(AlertSample.class);
        }

        @Override
        protected void write(AlertSample s, DataOutputView out) throws IOException {
            WireType.writeString(s.meterId, out);
            out.writeLong(s.ts);
            out.writeDouble(s.kw);
            out.writeDouble(s.importKwh);
            out.writeDouble(s.kva);
            out.writeDouble(s.pf);
            out.writeDouble(s.minVoltageV);
            out.writeDouble(s.maxVoltageV);
            out.writeDouble(s.maxCurrentA);
        }

        @Override
        protected AlertSample read(DataInputView in) throws IOException {
            return new AlertSample(
                    WireType.readString(in),
                    in.readLong(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble());
        }

        @Override
        public TypeSerializerSnapshot<AlertSample> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AlertSample> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }

    public static final class Type extends WireType.Factory<AlertSample> {
        public Type() {
            super(Codec.INSTANCE);
        }
    }
}

package io.kilowatch.flink.records;

import io.kilowatch.model.RegistryEntry;

/**
 * Where a meter's load is summed before the aggregate levels: its transformer × customer class.
 * Unregistered meters and transformer-area meters have no transformer here ({@code transformerId}
 * null) and count at class level only: an area meter measures its customers plus the line
 * losses, so adding it to their transformer would count them twice.
 *
 * <p>A key of keyed streams: its hash is written out from the strings' hashes (which Java
 * specifies), so every JVM of a cluster puts a cell in the same key group.
 */
public record Cell(String transformerId, String customerClass) {
    public static final String UNREGISTERED_CLASS = "unregistered";
    public static final Cell UNREGISTERED = new Cell(null, UNREGISTERED_CLASS);
    public static final Cell TRANSFORMER_AREA = new Cell(null, RegistryEntry.TRANSFORMER_METER);

    public Cell {
        if (customerClass == null) {
            throw new IllegalArgumentException("a cell needs a customer class");
        }
    }

    public static Cell of(RegistryEntry e) {
        if (e == null) {
            return UNREGISTERED;
        }
        return RegistryEntry.isTransformerMeter(e) ? TRANSFORMER_AREA : new Cell(e.transformerId(), e.customerClass());
    }

    @Override
    public int hashCode() {
        return 31 * (transformerId == null ? 0 : transformerId.hashCode()) + customerClass.hashCode();
    }

    @Override
    public String toString() {
        return (transformerId == null ? "-" : transformerId) + " × " + customerClass;
    }

    static void write(Cell c, org.apache.flink.core.memory.DataOutputView out) throws java.io.IOException {
        WireType.writeString(c.transformerId, out);
        WireType.writeString(c.customerClass, out);
    }

    static Cell read(org.apache.flink.core.memory.DataInputView in) throws java.io.IOException {
        String transformer = WireType.readString(in);
        return of(transformer, WireType.readString(in));
    }

    /** The cell of these parts; the two class-only cells of every stream are shared, not one per record. */
    public static Cell of(String transformerId, String customerClass) {
        if (transformerId == null) {
            if (UNREGISTERED_CLASS.equals(customerClass)) {
                return UNREGISTERED;
            }
            if (RegistryEntry.TRANSFORMER_METER.equals(customerClass)) {
                return TRANSFORMER_AREA;
            }
        }
        return new Cell(transformerId, customerClass);
    }
}

package io.kilowatch.model.tariff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The value of a {@code kw.tariffs} record: a catalogue of one plan, in the catalogue's own JSON
 * schema, carrying what the plan needs from its catalogue (name, illustrative, currency, the
 * named holiday lists). Read back by the same validating reader as a file, so a job never holds
 * a plan that a file could not have said.
 */
public final class TariffCodec {
    private static final JsonFactory JSON = new JsonFactory();

    private TariffCodec() {}

    static byte[] wireValue(SourceNode catalogue, SourceNode plan) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, SourceNode> e : catalogue.fields.entrySet()) {
                if (!e.getKey().equals("plans")) {
                    g.writeFieldName(e.getKey());
                    e.getValue().write(g);
                }
            }
            g.writeArrayFieldStart("plans");
            plan.write(g);
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** @throws TariffCatalogue.Rejected when the bytes are not a valid catalogue of exactly one plan */
    public static TariffPlan decodePlan(byte[] json) {
        TariffCatalogue c = TariffCatalogue.parseJson(json);
        if (c.plans().size() != 1) {
            throw new TariffCatalogue.Rejected(
                    java.util.List.of("a kw.tariffs record holds one plan, this one "
                            + c.plans().size()),
                    1);
        }
        return c.plans().values().iterator().next();
    }
}

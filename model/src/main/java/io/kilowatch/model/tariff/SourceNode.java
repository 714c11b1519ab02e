package io.kilowatch.model.tariff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML or JSON document as a tree whose every node knows its line and path, so that a
 * catalogue's validation can name the line of every problem, as the registry loader does.
 * Scalars keep their source text: a price is read as the decimal the file wrote, never through
 * a binary double.
 */
final class SourceNode {
    enum Kind {
        MAP,
        LIST,
        STRING,
        NUMBER,
        BOOLEAN,
        NULL
    }

    private static final JsonFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    final Kind kind;
    final int line;
    final String path;
    final String text;
    final Map<String, SourceNode> fields;
    final List<SourceNode> items;

    private SourceNode(
            Kind kind, int line, String path, String text, Map<String, SourceNode> fields, List<SourceNode> items) {
        this.kind = kind;
        this.line = line;
        this.path = path;
        this.text = text;
        this.fields = fields;
        this.items = items;
    }

    /** Parses YAML (JSON is read by the same call: it is valid YAML, but the JSON parser is stricter and faster). */
    static SourceNode parse(byte[] bytes, boolean json, List<String> problems) {
        try (JsonParser p = (json ? JSON : YAML).createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add("line 1: the document is empty");
                return null;
            }
            return read(p, t, "", p.currentTokenLocation().getLineNr(), problems, new java.util.HashMap<>());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr()
                    : 1;
            problems.add("line " + line + ": not valid " + (json ? "JSON" : "YAML") + ": " + msg);
            return null;
        }
    }

    /**
     * Reads the value at token {@code t}. YAML anchors and aliases ({@code &hubei} ...
     * {@code *hubei}) let plans share a calendar: an alias stands for the anchored node.
     */
    private static SourceNode read(
            JsonParser p, JsonToken t, String path, int line, List<String> problems, Map<String, SourceNode> anchors)
            throws IOException {
        if (p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y && y.isCurrentAlias()) {
            SourceNode anchored = anchors.get(p.getText());
            if (anchored == null) {
                problems.add("line " + line + ": " + path + ": alias *" + p.getText() + " names no anchor above it");
                return new SourceNode(Kind.NULL, line, path, null, null, null);
            }
            return anchored;
        }
        String anchor = p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y ? y.getCurrentAnchor() : null;
        SourceNode n = readValue(p, t, path, line, problems, anchors);
        if (anchor != null) {
            anchors.put(anchor, n);
        }
        return n;
    }

    private static SourceNode readValue(
            JsonParser p, JsonToken t, String path, int line, List<String> problems, Map<String, SourceNode> anchors)
            throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, SourceNode> fields = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    String childPath = path.isEmpty() ? name : path + "." + name;
                    SourceNode child = read(p, p.nextToken(), childPath, keyLine, problems, anchors);
                    if (fields.containsKey(name)) {
                        problems.add("line " + keyLine + ": " + childPath + " appears twice");
                    }
                    fields.put(name, child);
                }
                return new SourceNode(Kind.MAP, line, path, null, Collections.unmodifiableMap(fields), null);
            }
            case START_ARRAY -> {
                List<SourceNode> items = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    items.add(read(
                            p,
                            v,
                            path + "[" + items.size() + "]",
                            p.currentTokenLocation().getLineNr(),
                            problems,
                            anchors));
                }
                return new SourceNode(Kind.LIST, line, path, null, null, Collections.unmodifiableList(items));
            }
            case VALUE_STRING -> {
                return new SourceNode(Kind.STRING, line, path, p.getText(), null, null);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new SourceNode(Kind.NUMBER, line, path, p.getText(), null, null);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new SourceNode(Kind.BOOLEAN, line, path, p.getText(), null, null);
            }
            default -> {
                return new SourceNode(Kind.NULL, line, path, null, null, null);
            }
        }
    }

    /** This node as JSON, numbers written with their source text so no digit changes. */
    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    void write(JsonGenerator g) throws IOException {
        switch (kind) {
            case MAP -> {
                g.writeStartObject();
                for (Map.Entry<String, SourceNode> e : fields.entrySet()) {
                    g.writeFieldName(e.getKey());
                    e.getValue().write(g);
                }
                g.writeEndObject();
            }
            case LIST -> {
                g.writeStartArray();
                for (SourceNode n : items) {
                    n.write(g);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(text);
            case NUMBER -> g.writeNumber(text);
            case BOOLEAN -> g.writeBoolean(Boolean.parseBoolean(text));
            case NULL -> g.writeNull();
        }
    }

    /** Where a problem with this node is: its line and path. */
    String at() {
        return "line " + line + ": " + (path.isEmpty() ? "the document" : path);
    }
}

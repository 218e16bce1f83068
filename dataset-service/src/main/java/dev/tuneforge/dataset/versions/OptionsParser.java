package dev.tuneforge.dataset.versions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.dataset.curation.CurationOptions;
import dev.tuneforge.dataset.curation.OptionError;
import dev.tuneforge.platform.api.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Curation options from a request: the client's keys laid over the defaults, so an omitted knob
 * keeps its documented default. Unknown keys and wrong types are errors naming the key, never
 * silently ignored (a misspelt "validaton_ratio" must not produce an unsplit dataset).
 */
final class OptionsParser {
  private final ObjectMapper json;

  OptionsParser(ObjectMapper json) {
    // Enum knobs are written in lower case in requests ("pii": "redact") and upper case in Java.
    this.json =
        json.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .configure(
                com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);
  }

  /** The options, or the problems, each naming its field {@code options.<key>}. */
  ParsedOptions parse(Map<String, Object> given) {
    ObjectNode merged = json.valueToTree(CurationOptions.defaults());
    if (given != null) {
      merged.setAll((ObjectNode) json.valueToTree(given));
    }
    CurationOptions options;
    try {
      options = json.treeToValue(merged, CurationOptions.class);
    } catch (UnrecognizedPropertyException e) {
      return ParsedOptions.errors(
          List.of(
              new FieldError(
                  "options." + e.getPropertyName(),
                  "unknown option (known: "
                      + String.join(
                          ", ",
                          merged.properties().stream()
                              .map(Map.Entry::getKey)
                              .filter(k -> !k.equals(e.getPropertyName()))
                              .toList())
                      + ")")));
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
      return ParsedOptions.errors(
          List.of(
              new FieldError(
                  field == null ? "options" : "options." + field,
                  "wrong type or value (" + e.getOriginalMessage() + ")")));
    } catch (Exception e) {
      return ParsedOptions.errors(
          List.of(new FieldError("options", String.valueOf(e.getMessage()))));
    }
    List<FieldError> errors = new ArrayList<>();
    for (OptionError error : options.validate()) {
      errors.add(new FieldError(error.field(), error.message()).nested("options"));
    }
    return errors.isEmpty() ? ParsedOptions.ok(options) : ParsedOptions.errors(errors);
  }

  record ParsedOptions(CurationOptions options, List<FieldError> errors) {
    static ParsedOptions ok(CurationOptions o) {
      return new ParsedOptions(o, List.of());
    }

    static ParsedOptions errors(List<FieldError> e) {
      return new ParsedOptions(null, e);
    }
  }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CovidSeg.IO;

/// <summary>
/// The one way CovidSeg writes JSON (run.json, splits, label sets, metrics, reports): snake_case names, kebab-case
/// enum values, NaN and infinities as strings, indented, and a <c>format</c> field first ("covidseg-split/2") so a
/// reader knows which version it holds and can upgrade an older one before reading it.
/// </summary>
public static class JsonConvention
{
    public const string FormatField = "format";

    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary><paramref name="value"/> as JSON with <paramref name="format"/> as its first field.</summary>
    public static string Serialize<T>(T value, string format)
    {
        var fields = JsonSerializer.SerializeToNode(value, Options) as JsonObject
                     ?? throw new ArgumentException($"{typeof(T).Name} does not serialise to a JSON object", nameof(value));
        var ordered = new JsonObject { [FormatField] = format };
        foreach (var (name, field) in fields.ToList())
        {
            if (name == FormatField) continue;
            fields.Remove(name);
            ordered[name] = field;
        }
        return ordered.ToJsonString(Options);
    }

    /// <summary>
    /// Reads JSON written by <see cref="Serialize{T}"/>. <paramref name="upgrade"/> sees the parsed object and its
    /// format (null when the file has none: written before formats were recorded) and rewrites an older one in place;
    /// afterwards the format must be <paramref name="format"/> or absent. Throws <see cref="JsonException"/> otherwise.
    /// </summary>
    public static T Deserialize<T>(string json, string format, Action<JsonObject, string?>? upgrade = null)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not a JSON object");
        upgrade?.Invoke(root, (string?)root[FormatField]);
        string? found = (string?)root[FormatField];
        if (found is not null && found != format) throw new JsonException($"format '{found}' is not '{format}'");
        return root.Deserialize<T>(Options) ?? throw new JsonException("empty JSON");
    }

    /// <summary>Renames every property of <paramref name="node"/> and the objects inside it from camelCase to snake_case.</summary>
    public static void CamelToSnake(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                // Removed and added back in order, so the file keeps its field order.
                var fields = o.ToList();
                o.Clear();
                foreach (var (name, value) in fields)
                {
                    CamelToSnake(value);
                    o[JsonNamingPolicy.SnakeCaseLower.ConvertName(name)] = value;
                }
                break;
            case JsonArray a:
                foreach (var item in a) CamelToSnake(item);
                break;
        }
    }
}

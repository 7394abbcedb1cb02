using System.Text.Json;
using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>Writes a <see cref="ConfusionMatrix"/> as a JSON array of rows (truth) of counts (prediction).</summary>
internal sealed class ConfusionMatrixJsonConverter : JsonConverter<ConfusionMatrix>
{
    public override ConfusionMatrix Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var rows = JsonSerializer.Deserialize<long[][]>(ref reader, options)
                   ?? throw new JsonException("confusion matrix is null");
        int k = rows.Length;
        if (k == 0 || rows.Any(r => r is null || r.Length != k))
            throw new JsonException("confusion matrix must be a non-empty square array of rows");
        try
        {
            return new ConfusionMatrix(k, rows.SelectMany(r => r).ToArray());
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, ConfusionMatrix value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToRows(), options);
}

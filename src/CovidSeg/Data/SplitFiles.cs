using CovidSeg.IO;
using System.Text.Json;

namespace CovidSeg.Data;

/// <summary>JSON reading and writing shared by <see cref="DataSplit"/> and <see cref="KFoldSplit"/>.</summary>
internal static class SplitFiles
{
    public static void Save<T>(string path, T value, string format) =>
        AtomicFile.WriteAllText(path, JsonConvention.Serialize(value, format) + "\n");

    /// <summary>Reads a split; one written before formats were recorded (camelCase names, no format) still loads.</summary>
    public static T Load<T>(string path, string what, string format) where T : class
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "file not found");
        try
        {
            return JsonConvention.Deserialize<T>(File.ReadAllText(path), format, (root, found) =>
            {
                if (found is not null) return;
                JsonConvention.CamelToSnake(root);
                root[JsonConvention.FormatField] = format;
            });
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"not a {what} file: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException(path, $"invalid {what}: {e.Message}", e);
        }
    }

    public static string[] ShuffledIds(IEnumerable<string> ids, int seed, string what)
    {
        // Natural order first, so the split depends on the set of ids and the seed, not on how they were listed.
        var sorted = ids.Order(NaturalStringComparer.Instance).ToArray();
        var duplicate = sorted.Zip(sorted.Skip(1)).FirstOrDefault(p => p.First == p.Second);
        if (duplicate != default) throw new ArgumentException($"{what}: sample id '{duplicate.First}' occurs more than once");
        var random = new Random(seed);
        for (int i = sorted.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
        }
        return sorted;
    }
}

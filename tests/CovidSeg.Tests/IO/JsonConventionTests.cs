using System.Text.Json;
using CovidSeg.Data;
using CovidSeg.IO;

namespace CovidSeg.Tests.IO;

public class JsonConventionTests
{
    private sealed record Sample(int ImageCount, double Ratio, DayOfWeek Day, IReadOnlyList<string> TrainIds);

    [Fact]
    public void FilesAreSnakeCaseWithTheFormatFirst()
    {
        string json = JsonConvention.Serialize(new Sample(3, double.NaN, DayOfWeek.Monday, ["a"]), "covidseg-sample/1");
        Assert.StartsWith("{\n  \"format\": \"covidseg-sample/1\",\n  \"image_count\": 3,", json.ReplaceLineEndings("\n"));
        Assert.Contains("\"ratio\": \"NaN\"", json);
        Assert.Contains("\"day\": \"monday\"", json);
        Assert.Contains("\"train_ids\": [", json);
        var back = JsonConvention.Deserialize<Sample>(json, "covidseg-sample/1");
        Assert.Equal((3, DayOfWeek.Monday, "a"), (back.ImageCount, back.Day, back.TrainIds.Single()));
        Assert.True(double.IsNaN(back.Ratio));
    }

    [Fact]
    public void AnotherFormatIsRefusedUnlessUpgraded()
    {
        string json = """{ "format": "covidseg-sample/0", "count": 3 }""";
        Assert.Throws<JsonException>(() => JsonConvention.Deserialize<Sample>(json, "covidseg-sample/1"));
        var upgraded = JsonConvention.Deserialize<Sample>(json, "covidseg-sample/1", (root, found) =>
        {
            Assert.Equal("covidseg-sample/0", found);
            root["image_count"] = root["count"]!.GetValue<int>();
            root["format"] = "covidseg-sample/1";
        });
        Assert.Equal(3, upgraded.ImageCount);
    }

    [Fact]
    public void CamelCaseNamesBecomeSnakeCaseAtEveryDepth()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse("""{ "trainIds": [ { "innerName": 1 } ], "seed": 2 }""");
        JsonConvention.CamelToSnake(node);
        Assert.Equal("""{"train_ids":[{"inner_name":1}],"seed":2}""", node!.ToJsonString());
    }

    [Fact]
    public void ASplitWrittenBeforeTheConventionStillLoads()
    {
        // camelCase and no format field: written by e85a9eb (tests/CovidSeg.Tests/Fixtures/README.md).
        var split = DataSplit.Load(WrittenBefore.File("split.json"));
        Assert.Equal(1, split.Seed);
        Assert.Equal(["phantom-0003", "phantom-0002", "phantom-0005", "phantom-0000", "phantom-0001"], split.TrainIds);
        Assert.Equal(["phantom-0004"], split.ValidationIds);

        using var folder = new TempFolder();
        split.Save(folder.File("split.json"));
        string json = File.ReadAllText(folder.File("split.json"));
        Assert.Contains($"\"format\": \"{DataSplit.Format}\"", json);
        Assert.Contains("\"validation_ids\"", json);
        Assert.Equal(split.TrainIds, DataSplit.Load(folder.File("split.json")).TrainIds);
    }
}

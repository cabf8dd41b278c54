using System.Text.Json;
using EcsModel;
using Shouldly;

namespace EcsModel.Tests;

/// <summary>Cross-check: every request in botocore's own examples-1.json must pass.</summary>
public sealed class BotocoreExamplesTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public void Every_botocore_example_request_is_valid()
    {
        var examplesPath = Path.Combine(Path.GetDirectoryName(BotocoreEcsModelPaths.InstalledServiceModel())!, "examples-1.json");
        File.Exists(examplesPath).ShouldBeTrue($"botocore ships {examplesPath}");
        using var document = JsonDocument.Parse(File.ReadAllText(examplesPath));

        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var operation in document.RootElement.GetProperty("examples").EnumerateObject())
        {
            foreach (var example in operation.Value.EnumerateArray())
            {
                if (example.TryGetProperty("input", out var input))
                {
                    checkedCount++;
                    failures.AddRange(fixture.Model.ValidateRequest(operation.Name, input.GetRawText())
                        .Select(v => $"{operation.Name} ({example.GetProperty("id").GetString()}): {v}"));
                }
            }
        }

        checkedCount.ShouldBeGreaterThan(10);
        failures.ShouldBeEmpty();
    }
}

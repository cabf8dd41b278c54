using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>The arguments of a fast Deploy against LocalEcs (small polls and verification pauses), and its artifacts.</summary>
public static class DeployArguments
{
    public static Dictionary<string, string> For(string localEcsUrl, string cluster, string service, string image, string artifacts, params (string Name, string Value)[] extra)
    {
        var arguments = new Dictionary<string, string>
        {
            ["cluster"] = cluster,
            ["service"] = service,
            ["image"] = image,
            ["verify-url"] = $"{localEcsUrl}/lb/{cluster}/{service}/leo",
            ["ecs-endpoint"] = localEcsUrl,
            ["artifacts"] = artifacts,
            ["poll-interval"] = "50ms",
            ["stability-timeout"] = "20s",
            ["verify-interval"] = "20ms",
            ["verify-retry-delay"] = "20ms",
            ["verify-deadline"] = "2s",
        };
        foreach (var (name, value) in extra)
        {
            arguments[name] = value;
        }

        return arguments;
    }

    public static string NewArtifacts() => Directory.CreateTempSubdirectory("ecs-deploy-e2e-").FullName;

    /// <summary>report.json of a run.</summary>
    public static JsonNode Report(string artifacts) => JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "report.json")))!;

    /// <summary>state.json of a run.</summary>
    public static JsonNode State(string artifacts) => JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "state.json")))!;
}

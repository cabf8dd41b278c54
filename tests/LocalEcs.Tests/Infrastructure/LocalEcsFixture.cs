using System.Text.Json.Nodes;
using Xunit;

namespace LocalEcs.Tests.Infrastructure;

/// One in-process LocalEcs per test class, with short delays so rollouts take a fraction of a second.
public sealed class LocalEcsFixture : IAsyncLifetime
{
    private LocalEcsHost? _host;

    public LocalEcsHost Host => _host ?? throw new InvalidOperationException("not started");
    public HttpClient Http { get; private set; } = null!;
    public EcsHttp Ecs { get; private set; } = null!;
    public AwsCli Aws { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalEcsHost.StartAsync(new LocalEcsOptions
        {
            Port = 0,
            TaskStartDelay = TimeSpan.FromMilliseconds(150),
            TaskStopDelay = TimeSpan.FromMilliseconds(100),
            Tick = TimeSpan.FromMilliseconds(25),
        });
        Http = new HttpClient { BaseAddress = new Uri(_host.BaseAddress) };
        Ecs = new EcsHttp(Http);
        Aws = new AwsCli(_host.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// Writes a task definition for --cli-input-json and registers it with the CLI; returns the revision's ARN.
    public async Task<string> RegisterAsync(string family, string image, Action<JsonObject>? customize = null)
    {
        var input = TaskDefinitionInput(family, image);
        customize?.Invoke(input);
        var file = WriteTemp(input);
        var result = await Aws.JsonAsync("register-task-definition", "--cli-input-json", "file://" + file);
        return result["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    public static JsonObject TaskDefinitionInput(string family, string image) => new()
    {
        ["family"] = family,
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = "app",
            ["image"] = image,
            ["essential"] = true,
            ["memory"] = 128,
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
        }),
    };

    public static string WriteTemp(JsonNode json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"localecs-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    public async Task CreateClusterAsync(string name) =>
        await Ecs.CallAsync("CreateCluster", new JsonObject { ["clusterName"] = name });
}

using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>The AWS CLI pointed at an endpoint: the independent client the tests check our work with.</summary>
public sealed class AwsCli(string endpoint)
{
    public static readonly IDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_PAGER"] = "",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["TZ"] = "UTC",
        // build.sh turns Cake's script cache on; tests run several build.sh at once, which would race to write it.
        // The Demo test turns it back on: its deploys run one after the other, the second from the cache.
        ["CAKE_SETTINGS_ENABLESCRIPTCACHE"] = "false",
    };

    public async Task<ChildProcess.Result> RunAsync(params string[] arguments)
    {
        return await ChildProcess.RunAsync("aws", ["--endpoint-url", endpoint, "--output", "json", .. arguments], Environment, timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs and parses the JSON output; throws with the CLI's stderr on failure.</summary>
    public async Task<JsonNode?> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        }

        return string.IsNullOrWhiteSpace(result.StandardOutput) ? null : JsonNode.Parse(result.StandardOutput);
    }

    public async Task<string> ServiceTaskDefinitionAsync(string cluster, string service) =>
        (string)(await JsonAsync("ecs", "describe-services", "--cluster", cluster, "--services", service))!["services"]![0]!["taskDefinition"]!;

    public async Task<int> RevisionCountAsync(string family) =>
        (await JsonAsync("ecs", "list-task-definitions", "--family-prefix", family))!["taskDefinitionArns"]!.AsArray().Count;

    /// <summary>
    /// Polls describe-services until one deployment runs the desired count, then confirms with the CLI's own
    /// services-stable waiter (which sleeps 15 s between its checks, so it is asked only once it will pass).
    /// </summary>
    public async Task WaitStableAsync(string cluster, string service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var svc = (await JsonAsync("ecs", "describe-services", "--cluster", cluster, "--services", service))!["services"]![0]!;
            if (svc["deployments"]!.AsArray().Count == 1 && (int)svc["runningCount"]! == (int)svc["desiredCount"]!)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{service} did not become stable: {svc.ToJsonString()}");
            }

            await Task.Delay(100);
        }

        await JsonAsync("ecs", "wait", "services-stable", "--cluster", cluster, "--services", service);
    }

    /// <summary>
    /// Creates a cluster and a service running <paramref name="image"/> in container api-go (port 8000), waits until
    /// it is stable, and returns the task-definition ARN it runs.
    /// </summary>
    public async Task<string> SeedServiceAsync(string cluster, string service, string image, int desiredCount = 2, string? extraContainers = null, string? deploymentConfiguration = null)
    {
        await JsonAsync("ecs", "create-cluster", "--cluster-name", cluster);
        var file = Path.Combine(Path.GetTempPath(), $"td-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, $$"""
            {
              "family": "{{service}}",
              "networkMode": "awsvpc",
              "requiresCompatibilities": ["FARGATE"],
              "cpu": "256",
              "memory": "512",
              "containerDefinitions": [
                {
                  "name": "api-go",
                  "image": "{{image}}",
                  "essential": true,
                  "portMappings": [{ "containerPort": 8000, "protocol": "tcp" }],
                  "environment": [{ "name": "GREETING", "value": "hello" }]
                }{{(extraContainers is null ? "" : "," + extraContainers)}}
              ],
              "tags": [{ "key": "team", "value": "payments" }]
            }
            """);
        try
        {
            var registered = await JsonAsync("ecs", "register-task-definition", "--cli-input-json", "file://" + file);
            var arn = (string)registered!["taskDefinition"]!["taskDefinitionArn"]!;
            List<string> create = ["ecs", "create-service", "--cluster", cluster, "--service-name", service, "--task-definition", arn, "--desired-count", desiredCount.ToString()];
            if (deploymentConfiguration is not null)
            {
                create.AddRange(["--deployment-configuration", deploymentConfiguration]);
            }

            await JsonAsync([.. create]);
            await WaitStableAsync(cluster, service);
            return arn;
        }
        finally
        {
            File.Delete(file);
        }
    }
}

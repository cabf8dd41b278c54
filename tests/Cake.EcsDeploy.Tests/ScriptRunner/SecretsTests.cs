using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

/// <summary>
/// Known secret values planted in a task definition's environment and secrets, and in the AWS credentials, never
/// show up in anything a failed run writes for people: console output (at diagnostic verbosity), report.json,
/// state.json. (The backup files hold the task definition itself, environment included: that is their job.)
/// </summary>
public class SecretsTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "secrets";

    private static readonly string[] Planted =
    [
        "planted-env-value-7f3a91", "planted-secret-arn-9c1d22", "AKIAPLANTEDKEY0000001", "planted-secret-key-5e8b77", "planted-session-token-3d2c11",
    ];

    [Fact]
    public async Task No_planted_secret_appears_in_the_output_or_reports_of_a_failed_and_rolled_back_run()
    {
        await localEcs.Cli.SeedServiceAsync(Cluster, "api", "repo/api:1.0.0", extraContainers: $$"""
            {
              "name": "worker", "image": "repo/worker:1.0.0", "essential": false,
              "environment": [{ "name": "DB_PASSWORD", "value": "{{Planted[0]}}" }],
              "secrets": [{ "name": "API_KEY", "valueFrom": "arn:aws:secretsmanager:us-east-1:000000000000:secret:{{Planted[1]}}" }]
            }
            """);
        var artifacts = Directory.CreateTempSubdirectory("ecs-secrets-").FullName;
        var environment = new Dictionary<string, string>(AwsCli.Environment)
        {
            ["AWS_ACCESS_KEY_ID"] = Planted[2],
            ["AWS_SECRET_ACCESS_KEY"] = Planted[3],
            ["AWS_SESSION_TOKEN"] = Planted[4],
        };

        var result = await ChildProcess.RunAsync("bash",
        [
            Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Deploy", "--verbosity=diagnostic",
            $"--cluster={Cluster}", "--service=api", "--container=api-go", "--image=repo/api:1.1.0-unhealthy",
            $"--verify-url={localEcs.Url}/lb/{Cluster}/api/leo", $"--ecs-endpoint={localEcs.Url}", $"--artifacts={artifacts}",
            "--poll-interval=100ms", "--verify-interval=50ms", "--verify-retry-delay=50ms", "--verify-deadline=3s",
        ], environment, timeout: TimeSpan.FromMinutes(4));

        result.ExitCode.ShouldBe(3, result.Output);
        var backup = await File.ReadAllTextAsync(Path.Combine(artifacts, "task-definition.json.old"));
        backup.ShouldContain(Planted[0], customMessage: "the planted values did reach the task definition");
        var outputs = new Dictionary<string, string>
        {
            ["console"] = result.Output,
            ["report.json"] = await File.ReadAllTextAsync(Path.Combine(artifacts, "report.json")),
            ["state.json"] = await File.ReadAllTextAsync(Path.Combine(artifacts, "state.json")),
        };
        foreach (var (name, text) in outputs)
        {
            foreach (var secret in Planted)
            {
                text.ShouldNotContain(secret, Case.Insensitive, $"{name} leaks {secret}");
            }
        }
    }
}

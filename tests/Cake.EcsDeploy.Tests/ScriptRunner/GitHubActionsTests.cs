using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

/// <summary>
/// `./build.sh --target=Deploy` as a GitHub Actions step runs it: GITHUB_ACTIONS=true, GITHUB_STEP_SUMMARY and
/// GITHUB_OUTPUT pointing at files (here temporary ones), annotations read from standard output.
/// </summary>
public class GitHubActionsTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "gha";
    private const string PlantedSecret = "planted-gha-secret-4b7e10";

    /// <summary>Reads a GITHUB_OUTPUT file as the runner does: name=value lines and name&lt;&lt;DELIMITER blocks.</summary>
    private static Dictionary<string, string> ReadOutputs(string text)
    {
        var outputs = new Dictionary<string, string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var heredoc = lines[i].IndexOf("<<", StringComparison.Ordinal);
            var equals = lines[i].IndexOf('=');
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var delimiter = lines[i][(heredoc + 2)..];
                var end = Array.IndexOf(lines, delimiter, i + 1);
                end.ShouldBeGreaterThan(i, $"no closing delimiter for {lines[i]}");
                outputs[lines[i][..heredoc]] = string.Join("\n", lines[(i + 1)..end]);
                i = end;
            }
            else
            {
                outputs[lines[i][..equals]] = lines[i][(equals + 1)..];
            }
        }

        return outputs;
    }

    [Fact]
    public async Task A_rolled_back_deploy_writes_the_job_summary_the_step_outputs_and_an_error_annotation()
    {
        var before = await localEcs.Cli.SeedServiceAsync(Cluster, "api", "repo/api:1.0.0", extraContainers: $$"""
            { "name": "worker", "image": "repo/worker:1.0.0", "essential": false, "environment": [{ "name": "DB_PASSWORD", "value": "{{PlantedSecret}}" }] }
            """);
        var github = Directory.CreateTempSubdirectory("ecs-gha-").FullName;
        var summaryFile = Path.Combine(github, "step_summary.md");
        var outputFile = Path.Combine(github, "output");
        var environment = new Dictionary<string, string>(AwsCli.Environment)
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_STEP_SUMMARY"] = summaryFile,
            ["GITHUB_OUTPUT"] = outputFile,
        };

        var result = await ChildProcess.RunAsync("bash",
        [
            Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Deploy",
            $"--cluster={Cluster}", "--service=api", "--container=api-go", "--image=repo/api:1.1.0-unhealthy",
            $"--verify-url={localEcs.Url}/lb/{Cluster}/api/leo", $"--ecs-endpoint={localEcs.Url}",
            $"--artifacts={Path.Combine(github, "artifacts")}",
            "--poll-interval=100ms", "--verify-interval=50ms", "--verify-retry-delay=50ms", "--verify-deadline=3s",
        ], environment, timeout: TimeSpan.FromMinutes(4));

        result.ExitCode.ShouldBe(3, result.Output);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "api")).ShouldBe(before);

        // The annotation starts a line of standard output, with nothing (not even a colour code) before it.
        var stdout = result.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        stdout.ShouldContain(l => l.StartsWith("::error title=Deploy failed and was rolled back%3A api runs api%3A1 again::Deploy of repo/api:1.1.0-unhealthy failed and was ROLLED BACK: VerifyEndpoint failed", StringComparison.Ordinal),
            result.StandardOutput);

        // The console's summary table.
        result.StandardOutput.ShouldContain("Deploy summary");
        stdout.ShouldContain("Runs now      api:1");

        var summary = await File.ReadAllTextAsync(summaryFile);
        summary.ShouldStartWith("## ↩️ Deploy failed and was rolled back: `api` runs `api:1` again\n");
        summary.ShouldContain("| **Revisions** | previous `api:1` → new `api:2` (deregistered) → rolled back to `api:1` |");
        summary.ShouldContain("| **Image** | `repo/api:1.1.0-unhealthy`, was `repo/api:1.0.0` |");
        summary.ShouldContain("- **VerifyEndpoint**: Verification failed:");
        summary.ShouldContain("❌ 503");
        summary.ShouldContain("```mermaid\ngantt\n");
        summary.ShouldContain(":crit, ");
        summary.ShouldContain("section Rollback\n    Roll back to api∶1 - verified :active, ");
        summary.ShouldContain("### Service events");

        var outputs = ReadOutputs(await File.ReadAllTextAsync(outputFile));
        outputs["outcome"].ShouldBe("rolled-back");
        outputs["exit-code"].ShouldBe("3");
        outputs["task-definition-arn"].ShouldBe(before);
        outputs["previous-task-definition-arn"].ShouldBe(before);
        outputs["new-task-definition-arn"].ShouldEndWith("task-definition/api:2");
        outputs["image"].ShouldBe("repo/api:1.1.0-unhealthy");
        outputs["message"].ShouldContain("ROLLED BACK");

        foreach (var (name, text) in new[] { ("summary", summary), ("outputs", string.Join("\n", outputs.Values)), ("console", result.Output) })
        {
            text.ShouldNotContain(PlantedSecret, customMessage: $"the {name} leaks a task-definition environment value");
        }
    }
}

using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

/// <summary>
/// Against real AWS with no region or no credentials: the real script runner in an environment stripped of every AWS
/// setting (no profile files, no instance metadata) fails with what to set, exit 2, before any call to AWS.
/// </summary>
public class CredentialsTests
{
    private static readonly string[] Unset =
    [
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private static async Task<(ChildProcess.Result Result, string Artifacts)> DeployAsync(params string[] extra)
    {
        var artifacts = Directory.CreateTempSubdirectory("ecs-credentials-").FullName;
        List<string> command = [.. Unset.SelectMany(name => new[] { "-u", name }), "bash", Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Deploy",
            "--cluster=prod", "--service=api", "--image=repo/api:1.1.0", "--verify-url=https://api.example.com/health", $"--artifacts={artifacts}", .. extra];
        var environment = new Dictionary<string, string>
        {
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        return (await ChildProcess.RunAsync("env", command, environment, timeout: TimeSpan.FromMinutes(4)), artifacts);
    }

    [Fact]
    public async Task No_region_fails_with_what_to_set_and_touches_nothing()
    {
        var (result, artifacts) = await DeployAsync();

        result.ExitCode.ShouldBe(2, result.Output);
        result.Output.ShouldContain("No AWS region found. Pass --region=<region>");
        result.Output.ShouldNotContain("Backed up");
        ((string?)DeployArguments.Report(artifacts)["outcome"]).ShouldBe("invalid-input");
    }

    [Fact]
    public async Task No_credentials_fail_with_what_to_set_and_touch_nothing()
    {
        var (result, artifacts) = await DeployAsync("--region=eu-west-1");

        result.ExitCode.ShouldBe(2, result.Output);
        result.Output.ShouldContain("No AWS credentials found.");
        result.Output.ShouldContain("configure-aws-credentials");
        result.Output.ShouldNotContain("Backed up");
        ((string?)DeployArguments.Report(artifacts)["outcome"]).ShouldBe("invalid-input");
    }
}

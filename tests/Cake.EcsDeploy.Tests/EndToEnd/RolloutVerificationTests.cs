using Amazon.Runtime;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.Tests.Support;
using Cake.EcsDeploy.Verification;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// Verification started in the middle of a rollout, while LocalEcs's load balancer still spreads requests over old
/// and new tasks: with a version check, only answers from the new release count, so the old version cannot pass it.
/// </summary>
public class RolloutVerificationTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    [Fact]
    public async Task During_a_rollout_old_tasks_answers_never_count_towards_verification()
    {
        const string cluster = "rollout";
        var original = await localEcs.Cli.SeedServiceAsync(cluster, "api", "repo/api:1.0.0");
        using var ecs = new EcsClient(new EcsConnection(new Uri(localEcs.Url), "us-east-1", new BasicAWSCredentials("test", "test")));
        var described = await ecs.DescribeTaskDefinitionAsync(original);
        var request = Cake.EcsDeploy.TaskDefinitions.TaskDefinitionRenderer.Render(described.TaskDefinition, null, "repo/api:1.1.0-slowstart-1500", null).Request;
        var next = await ecs.RegisterTaskDefinitionAsync(request);

        // No waiting for the deployment: verification starts while only the old tasks serve.
        await ecs.UpdateServiceAsync(cluster, "api", next);
        var log = new CapturingLog();
        using var http = new HttpClient();
        var result = await new EndpointVerifier(http, log).VerifyAsync(new VerificationOptions
        {
            Url = new Uri($"{localEcs.Url}/lb/{cluster}/api/leo"),
            ConsecutiveSuccesses = 4,
            SuccessInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            Deadline = TimeSpan.FromSeconds(20),
            Version = new VersionCheck("X-LocalEcs-Version", null, "1.1.0-slowstart-1500"),
        });

        result.Passed.ShouldBeTrue(result.Summary + "\n" + log.Text);
        result.Attempts.ShouldContain(a => a.Status == 200 && !a.Passed && a.Detail.Contains("answered by version 1.0.0"),
            "the old tasks did answer 200 during the rollout");
        result.Attempts.Where(a => a.Passed).ShouldAllBe(a => a.Detail.Contains("version 1.1.0-slowstart-1500"));
        result.Attempts.TakeLast(4).ShouldAllBe(a => a.Passed);
    }
}

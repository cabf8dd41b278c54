using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

/// The scheduler on a fake clock, stepped by hand: exact pacing without timing flakiness.
public sealed class SchedulerPacingTests : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly ManualTimeProvider _time = new();
    private LocalEcsHost _host = null!;
    private HttpClient _http = null!;
    private EcsHttp _ecs = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalEcsHost.StartAsync(
            new LocalEcsOptions { TaskStartDelay = TimeSpan.FromSeconds(4), TaskStopDelay = TimeSpan.FromSeconds(2) },
            _time,
            runSimulation: false);
        _http = new HttpClient { BaseAddress = new Uri(_host.BaseAddress) };
        _ecs = new EcsHttp(_http);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData(4, 150, 50)]
    [InlineData(4, 200, 100)]
    [InlineData(2, 100, 50)]
    [InlineData(3, 100, 0)]
    [InlineData(5, 120, 80)]
    public async Task Rollout_respects_maximum_and_minimum_healthy_percent(int desired, int maxPercent, int minPercent)
    {
        var cluster = $"pace-{desired}-{maxPercent}-{minPercent}";
        var v1 = await SetUpServiceAsync(cluster, desired, maxPercent, minPercent);
        var v2 = await RegisterAsync(cluster, "shop/api:v2");
        await _ecs.CallAsync("UpdateService", new JsonObject { ["cluster"] = cluster, ["service"] = "api", ["taskDefinition"] = v2 });

        var maxTotal = desired * maxPercent / 100;
        var minHealthy = (int)Math.Ceiling(desired * minPercent / 100.0);
        var sawBothServing = false;
        for (var step = 0; step < 60; step++)
        {
            Step();
            var tasks = Tasks(cluster);
            var active = tasks.Count(t => t.WantsToRun);
            var serving = tasks.Where(t => t.IsServing).ToList();
            active.ShouldBeLessThanOrEqualTo(maxTotal, $"step {step}: tasks RUNNING or PENDING exceed maximumPercent");
            serving.Count.ShouldBeGreaterThanOrEqualTo(minHealthy, $"step {step}: running tasks fell below minimumHealthyPercent");
            if (serving.Any(t => t.TaskDefinition.Arn == v1) && serving.Any(t => t.TaskDefinition.Arn == v2))
            {
                sawBothServing = true;
                var answers = new HashSet<string>();
                for (var i = 0; i < serving.Count; i++)
                {
                    using var response = await _http.GetAsync($"/lb/{cluster}/api/");
                    answers.Add(response.Headers.GetValues("X-LocalEcs-Task-Definition").Single());
                }

                answers.ShouldBe([v1, v2], ignoreOrder: true);
            }

            var service = await _ecs.ServiceAsync(cluster, "api");
            if (service["deployments"]!.AsArray().Count == 1 && (string?)service["deployments"]![0]!["rolloutState"] == "COMPLETED")
            {
                service["runningCount"]!.GetValue<int>().ShouldBe(desired);
                Tasks(cluster).Where(t => !t.IsStopped).ShouldAllBe(t => t.TaskDefinition.Arn == v2);
                if (minPercent == 100)
                {
                    sawBothServing.ShouldBeTrue("with minimumHealthyPercent 100 old tasks serve until new ones run");
                }

                return;
            }
        }

        throw new ShouldAssertException("rollout did not complete within 60 simulated seconds");
    }

    [Fact]
    public async Task First_step_after_update_follows_the_percentages()
    {
        // desired 4, max 150 %, min 50 %: two old tasks may stop at once, and four new ones fit under six.
        var v1 = await SetUpServiceAsync("first-step", 4, 150, 50);
        var v2 = await RegisterAsync("first-step", "shop/api:v2");
        await _ecs.CallAsync("UpdateService", new JsonObject { ["cluster"] = "first-step", ["service"] = "api", ["taskDefinition"] = v2 });

        Step();

        var tasks = Tasks("first-step");
        tasks.Count(t => t.TaskDefinition.Arn == v1 && t.WantsToRun).ShouldBe(2);
        tasks.Count(t => t.TaskDefinition.Arn == v1 && !t.WantsToRun).ShouldBe(2);
        tasks.Count(t => t.TaskDefinition.Arn == v2 && t.WantsToRun).ShouldBe(4);
        tasks.Where(t => t.TaskDefinition.Arn == v1 && !t.WantsToRun).ShouldAllBe(t => t.LastStatus == "DEACTIVATING");
    }

    [Fact]
    public void Circuit_breaker_threshold_is_half_the_desired_count_clamped_to_3_and_200()
    {
        Simulation.DeploymentScheduler.CircuitBreakerThreshold(1).ShouldBe(3);
        Simulation.DeploymentScheduler.CircuitBreakerThreshold(10).ShouldBe(5);
        Simulation.DeploymentScheduler.CircuitBreakerThreshold(11).ShouldBe(6);
        Simulation.DeploymentScheduler.CircuitBreakerThreshold(1000).ShouldBe(200);
    }

    private async Task<string> SetUpServiceAsync(string cluster, int desired, int maxPercent, int minPercent)
    {
        await _ecs.CallAsync("CreateCluster", new JsonObject { ["clusterName"] = cluster });
        var v1 = await RegisterAsync(cluster, "shop/api:v1");
        await _ecs.CallAsync("CreateService", new JsonObject
        {
            ["cluster"] = cluster,
            ["serviceName"] = "api",
            ["taskDefinition"] = v1,
            ["desiredCount"] = desired,
            ["deploymentConfiguration"] = new JsonObject { ["maximumPercent"] = maxPercent, ["minimumHealthyPercent"] = minPercent },
        });
        for (var i = 0; i < 10; i++)
        {
            Step();
        }

        Tasks(cluster).Count(t => t.IsServing).ShouldBe(desired);
        return v1;
    }

    private async Task<string> RegisterAsync(string family, string image) =>
        (await _ecs.CallAsync("RegisterTaskDefinition", LocalEcsFixture.TaskDefinitionInput(family, image)))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();

    private void Step()
    {
        _time.Advance(Second);
        _host.Scheduler.Step();
    }

    private List<Model.TaskState> Tasks(string cluster)
    {
        lock (_host.Store.Gate)
        {
            return _host.Store.Region("us-east-1").Clusters[cluster].Tasks.ToList();
        }
    }
}

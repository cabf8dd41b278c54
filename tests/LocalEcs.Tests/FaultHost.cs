using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

/// A LocalEcs per test on <see cref="FaultTestClock"/>, stepped by hand, with helpers for /_localecs/faults.
public abstract class FaultHost : IAsyncLifetime
{
    protected static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(4);

    protected FaultTestClock Clock { get; } = new();
    protected LocalEcsHost Host { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;
    protected EcsHttp Ecs { get; private set; } = null!;
    protected AwsCli Aws { get; private set; } = null!;

    protected virtual LocalEcsOptions Options => new() { TaskStartDelay = StartDelay, TaskStopDelay = TimeSpan.FromSeconds(2) };

    public async Task InitializeAsync()
    {
        Host = await LocalEcsHost.StartAsync(Options, Clock, runSimulation: false);
        Http = new HttpClient { BaseAddress = new Uri(Host.BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
        Ecs = new EcsHttp(Http);
        Aws = new AwsCli(Host.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    protected async Task<JsonObject> PutFaultsAsync(string json)
    {
        using var response = await Http.PutAsync("/_localecs/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    protected async Task<JsonObject> FaultsAsync() => (await Http.GetFromJsonAsync<JsonObject>("/_localecs/faults"))!;

    protected async Task<JsonObject> StatsAsync() => (await Http.GetFromJsonAsync<JsonObject>("/_localecs/stats"))!;

    protected async Task<JsonObject> FaultStatsAsync() => (await StatsAsync())["faults"]!.AsObject();

    /// Moves the fake clock and runs one scheduler step.
    protected void Step(TimeSpan by)
    {
        Clock.Advance(by);
        Host.Scheduler.Step();
    }

    protected async Task<string> RegisterAsync(string family, string image) =>
        (await Ecs.CallAsync("RegisterTaskDefinition", LocalEcsFixture.TaskDefinitionInput(family, image)))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();

    /// A cluster with one service "api" of the image; the tasks are launched but not yet running.
    protected async Task<string> CreateServiceAsync(string cluster, string image, int desired = 1)
    {
        await Ecs.CallAsync("CreateCluster", new JsonObject { ["clusterName"] = cluster });
        var td = await RegisterAsync(cluster, image);
        await Ecs.CallAsync("CreateService", new JsonObject
        {
            ["cluster"] = cluster,
            ["serviceName"] = "api",
            ["taskDefinition"] = td,
            ["desiredCount"] = desired,
        });
        Host.Scheduler.Step();
        return td;
    }

    /// Steps until the tasks have started (start delay plus a margin).
    protected async Task<string> RunningServiceAsync(string cluster, string image, int desired = 1)
    {
        var td = await CreateServiceAsync(cluster, image, desired);
        for (var i = 0; i < 6; i++)
        {
            Step(TimeSpan.FromSeconds(1));
        }

        Tasks(cluster).Count(t => t.IsServing).ShouldBe(desired);
        return td;
    }

    private protected List<Model.TaskState> Tasks(string cluster)
    {
        lock (Host.Store.Gate)
        {
            return Host.Store.Region("us-east-1").Clusters[cluster].Tasks.ToList();
        }
    }

    /// Waits until a request is asleep on the fake clock, checks it has not answered, and wakes it.
    protected async Task<T> ReleaseAfterAsync<T>(Task<T> pending, TimeSpan by, int timers = 1)
    {
        await Eventually.UntilAsync(() => Task.FromResult(Clock.PendingTimers), n => n >= timers, "the request to wait on the clock", seconds: 10);
        await Task.Delay(50);
        pending.IsCompleted.ShouldBeFalse("the answer must wait for the clock");
        Clock.Advance(by - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        pending.IsCompleted.ShouldBeFalse("the answer must wait the whole delay");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        return await pending.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

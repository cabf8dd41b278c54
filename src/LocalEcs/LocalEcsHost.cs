using System.Net;
using LocalEcs.Admin;
using LocalEcs.Api;
using LocalEcs.Faults;
using LocalEcs.LoadBalancer;
using LocalEcs.Model;
using LocalEcs.Simulation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LocalEcs;

/// A running LocalEcs: the ECS API at "/", load balancers at "/lb/...", admin at "/_localecs/...".
public sealed class LocalEcsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulationLoop? _loop;

    private LocalEcsHost(WebApplication app, SimulationLoop? loop, EcsStore store, DeploymentScheduler scheduler, ApiFaults faults, string baseAddress)
    {
        Faults = faults;
        _app = app;
        _loop = loop;
        Store = store;
        Scheduler = scheduler;
        BaseAddress = baseAddress;
    }

    /// "http://127.0.0.1:PORT", no trailing slash.
    public string BaseAddress { get; }

    public int Port => new Uri(BaseAddress).Port;

    internal EcsStore Store { get; }
    internal DeploymentScheduler Scheduler { get; }

    /// The live API fault settings (also at /_localecs/faults).
    internal ApiFaults Faults { get; }

    /// Starts on 127.0.0.1. With <paramref name="runSimulation"/> false nothing moves unless the scheduler is
    /// stepped by hand (tests with a fake TimeProvider do that).
    public static async Task<LocalEcsHost> StartAsync(
        LocalEcsOptions options,
        TimeProvider? timeProvider = null,
        bool runSimulation = true,
        CancellationToken cancellationToken = default)
    {
        var time = timeProvider ?? TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LocalEcsHost).Assembly.GetName().Name,
        });
        // stdout carries exactly one line (the listening address); logs go to stderr, warnings and up.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));

        var app = builder.Build();
        var store = new EcsStore();
        var stats = new ApiStats();
        var scheduler = new DeploymentScheduler(store, options, time);
        var faults = new ApiFaults(options.Faults);
        EcsProtocol.Map(app, store, scheduler, stats, faults, time);
        LoadBalancerEndpoint.Map(app, store, stats, time);
        AdminEndpoints.Map(app, store, stats, faults);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        var port = new Uri(address).Port;

        SimulationLoop? loop = null;
        if (runSimulation)
        {
            loop = new SimulationLoop(scheduler, options.Tick);
            loop.Start();
        }

        return new LocalEcsHost(app, loop, store, scheduler, faults, $"http://127.0.0.1:{port}");
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

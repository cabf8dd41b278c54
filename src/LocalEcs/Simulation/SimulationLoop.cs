namespace LocalEcs.Simulation;

/// Runs the scheduler every tick on the injected TimeProvider until stopped.
internal sealed class SimulationLoop(DeploymentScheduler scheduler, TimeSpan tick) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(tick, scheduler.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    scheduler.Step();
                }
                catch (Exception e)
                {
                    // A bug in one step must not stop the simulation for good.
                    await Console.Error.WriteLineAsync("LocalEcs: simulation step failed: " + e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}

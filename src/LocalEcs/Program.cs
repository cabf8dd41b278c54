using LocalEcs;

LocalEcsOptions options;
try
{
    options = LocalEcsOptions.FromArgs(args);
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync("LocalEcs: " + e.Message);
    await Console.Error.WriteLineAsync("usage: LocalEcs [--port N] [--task-start-delay 2s] [--task-stop-delay 1s] [--tick 100ms]");
    await Console.Error.WriteLineAsync("       faults: [--fault-seed N] [--throttle-rate 0.1] [--throttle-next N] [--throttle-operations Op1,Op2]");
    await Console.Error.WriteLineAsync("               [--server-error-rate|-next|-operations ...] [--server-error-fail-after-applying true]");
    await Console.Error.WriteLineAsync("               [--drop-connection-rate|-next|-operations ...] [--drop-connection-fail-after-applying true]");
    await Console.Error.WriteLineAsync("               [--latency 200ms] [--latency-rate|-next|-operations ...]   (see README \"Faults on demand\")");
    return 2;
}

await using var host = await LocalEcsHost.StartAsync(options);
// Scripts and tests parse this line to find the port: keep it the only line on stdout.
Console.Out.WriteLine($"LocalEcs listening on {host.BaseAddress}");
Console.Out.Flush();
await host.WaitForShutdownAsync();
return 0;

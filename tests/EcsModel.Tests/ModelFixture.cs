using EcsModel;

namespace EcsModel.Tests;

/// <summary>Loads the installed botocore model once per test class.</summary>
public sealed class ModelFixture
{
    public BotocoreEcsModel Model { get; } = BotocoreEcsModel.LoadInstalled();
}

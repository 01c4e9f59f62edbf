using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Retrying;

/// <summary>Recorded status sequences → the class of the attempt, from the facts only.</summary>
public sealed class AttemptCauseTests
{
    private static readonly string Job1 = Naming.Job(Id, 1, 1);

    public static TheoryData<string, FailureClass?, int?> Cases => new()
    {
        { "running", null, null },
        { "succeeded", null, null },
        { "failed, exit code kept", FailureClass.UserError, 1 },
        { "failed, multi-node exit codes kept", FailureClass.UserError, 1 },
        { "failed, no log kept", FailureClass.UserError, null },
        { "failed setup", FailureClass.SetupFailed, null },
        { "failed driver", FailureClass.DriverFailed, null },
        { "cancelled outside SkyDeck", FailureClass.Cancelled, null },
        { "cancelled by alice", FailureClass.Cancelled, null },
        { "cluster vanished under a running job", FailureClass.Preempted, null },
        { "cluster stopped under a running job", FailureClass.Preempted, null },
        { "dropped from an answered queue", FailureClass.Unknown, null },
        { "lost before this field existed", FailureClass.Unknown, null },
        { "launch interrupted, never confirmed", FailureClass.Lost, null },
        { "launch failed: no capacity", FailureClass.NoCapacity, null },
        { "launch failed: other", FailureClass.Unknown, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenRecordedFacts_WhenClassified_ThenTheClassAndExitCodeFollow(string name, FailureClass? expected, int? exitCode)
    {
        var job = Case(name).Jobs.Single();

        Assert.Equal(expected, job.Cause?.Class);
        Assert.Equal(exitCode, job.Cause?.ExitCode);
    }

    [Fact]
    public void GivenACancelByAUser_WhenClassified_ThenItSaysByWhom()
    {
        Assert.Equal("cancelled by alice", Case("cancelled by alice").Jobs.Single().Cause!.Describe());
        Assert.Equal("cancelled outside SkyDeck", Case("cancelled outside SkyDeck").Jobs.Single().Cause!.Describe());
    }

    private static ExperimentState Case(string name)
    {
        var running = new IExperimentEvent[] { Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running) };
        var t = T0.AddMinutes(5);
        JobLogCaptured Log(params int[] codes) => new(Id, Job1, ["boom", $"ERROR: Job 1 failed with return code list: [{string.Join(", ", codes)}]"], false, [.. codes], codes.Length == 1 ? codes[0] : 1, null, t, Callers.System);
        return name switch
        {
            "running" => Given(running),
            "succeeded" => Given([.. running, Status(SkyJobStatus.Succeeded, at: t)]),
            "failed, exit code kept" => Given([.. running, Status(SkyJobStatus.Failed, at: t), Log(1)]),
            "failed, multi-node exit codes kept" => Given([.. running, Status(SkyJobStatus.Failed, at: t), Log(137, 1, 137, 137)]),
            "failed, no log kept" => Given([.. running, Status(SkyJobStatus.Failed, at: t)]),
            "failed setup" => Given([.. running, Status(SkyJobStatus.FailedSetup, at: t)]),
            "failed driver" => Given([.. running, Status(SkyJobStatus.FailedDriver, at: t)]),
            "cancelled outside SkyDeck" => Given([.. running, Status(SkyJobStatus.Cancelled, at: t)]),
            "cancelled by alice" => Given([.. running, new JobCancelRequested(Id, Job1, t, "alice", "cancel requested"), Status(SkyJobStatus.Cancelled, at: t)]),
            "cluster vanished under a running job" => Given([.. running, new JobLost(Id, Job1, "the cluster no longer exists", t, Callers.System, LossCause.ClusterGone)]),
            "cluster stopped under a running job" => Given([.. running, new JobLost(Id, Job1, "the cluster was stopped", t, Callers.System, LossCause.ClusterStopped)]),
            "dropped from an answered queue" => Given([.. running, new JobLost(Id, Job1, "SkyPilot's job queue no longer lists the job", t, Callers.System, LossCause.DroppedFromQueue)]),
            "lost before this field existed" => Given([.. running, new JobLost(Id, Job1, "the cluster no longer exists", t, Callers.System)]),
            "launch interrupted, never confirmed" => Given(Created(), LaunchRequested(), new JobLost(Id, Job1, "the launch was interrupted", t, Callers.System, LossCause.LaunchInterrupted)),
            "launch failed: no capacity" => Given(Created(), LaunchRequested(), new JobLaunchFailed(Id, Job1, SkyFailureKind.NoCapacity, "ResourcesUnavailableError", t, Callers.System)),
            "launch failed: other" => Given(Created(), LaunchRequested(), new JobLaunchFailed(Id, Job1, SkyFailureKind.Unknown, "boom", t, Callers.System)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}

using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Parsing.SkyFixture;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class SkyFailureClassifierTests
{
    [Theory]
    [InlineData(2, "", "Usage: sky launch [OPTIONS] [ENTRYPOINT]...\nTry 'sky launch -h' for help.\n\nError: No such option: --bogus\n", SkyFailureKind.InvalidRequest)]
    [InlineData(1, "", "Error: Invalid value for '--gpus': 'x'\n", SkyFailureKind.InvalidRequest)]
    [InlineData(1, "", "ValueError: Cluster 'c1' is not UP.\n", SkyFailureKind.InvalidRequest)]
    [InlineData(1, "", "sky.exceptions.InvalidSpec: Invalid resources: accelerators\n", SkyFailureKind.InvalidRequest)]
    [InlineData(1, "'x.yaml' looks like a yaml path but does not exist. Continue? [y/N]: Aborted!\n", "", SkyFailureKind.InvalidRequest)]
    [InlineData(1, "", "sky.exceptions.ResourcesUnavailableError: Failed to provision all possible launchable resources.\n", SkyFailureKind.NoCapacity)]
    [InlineData(1, "An error occurred (InsufficientInstanceCapacity) when calling RunInstances\n", "", SkyFailureKind.NoCapacity)]
    [InlineData(1, "", "QuotaExceeded: GPUS_ALL_REGIONS\n", SkyFailureKind.NoCapacity)]
    [InlineData(1, "", "sky.exceptions.ApiServerConnectionError: Could not connect to SkyPilot API server at http://127.0.0.1:46580. Please ensure that the server is running.\n", SkyFailureKind.CliUnavailable)]
    [InlineData(1, "", "Authentication required for SkyPilot API server at https://sky.example. Please run:\n  sky api login -e https://sky.example\n", SkyFailureKind.CliUnavailable)]
    [InlineData(1, "No SkyPilot API server is connected\n", "", SkyFailureKind.CliUnavailable)]
    [InlineData(1, "", "sky.exceptions.ClusterDoesNotExist: Cluster 'c9' does not exist.\n", SkyFailureKind.ClusterNotFound)]
    [InlineData(0, "Cluster(s) not found (tip: see `sky status`).\n", "", SkyFailureKind.ClusterNotFound)]
    [InlineData(1, "something odd happened\n", "", SkyFailureKind.Unknown)]
    [InlineData(100, "(task, pid=1) bash: foo: command not found\nERROR: Job 3 failed with return code list: [127]\n", "", SkyFailureKind.Unknown)]
    public void GivenSkyFailureOutput_WhenClassified_ThenKind(int exitCode, string stdout, string stderr, SkyFailureKind expected)
    {
        Assert.Equal(expected, SkyFailureClassifier.Classify(exitCode, stdout, stderr).Kind);
    }

    [Fact]
    public void GivenAStopSkyPilotSkippedBecauseTheCloudCannotStop_WhenClassified_ThenStopUnsupportedWithTheReason()
    {
        var failure = SkyFailureClassifier.Classify(1, Load("stop-unsupported-kubernetes.txt"), "");

        Assert.Equal(SkyFailureKind.StopUnsupported, failure.Kind);
        Assert.Equal("Stopping is currently not supported for Kubernetes.", failure.Reason);
    }

    [Fact]
    public void GivenAnAwsSpotStopSkipped_WhenClassified_ThenStopUnsupported()
    {
        var output = "Stopping cluster 'c'... skipped.\n  Stopping spot instances is currently not supported on AWS.\n  To terminate the cluster instead, run: sky down c\nCluster(s) failed. See details above.\n";

        Assert.Equal(SkyFailureKind.StopUnsupported, SkyFailureClassifier.Classify(1, output, "").Kind);
    }

    [Fact]
    public void GivenALaunchRefusedForOtherResources_WhenClassified_ThenResourcesMismatchWithTheExceptionLine()
    {
        var failure = SkyFailureClassifier.Classify(1, Load("launch-resources-mismatch.txt"), "");

        Assert.Equal(SkyFailureKind.ResourcesMismatch, failure.Kind);
        Assert.Equal("sky.exceptions.ResourcesMismatchError: Requested resources do not match the existing cluster.", failure.Reason);
    }

    [Fact]
    public void GivenSkyCancelOnAMissingCluster_WhenClassified_ThenClusterNotFoundNotInvalidRequest()
    {
        var failure = SkyFailureClassifier.Classify(2, "", Load("cancel-missing-cluster.txt"));

        Assert.Equal(SkyFailureKind.ClusterNotFound, failure.Kind);
        Assert.Equal("Error: Cluster 'skydeck-exp1' does not exist.", failure.Reason);
    }

    [Fact]
    public void GivenExitCode2WithAnApiServerMessage_WhenClassified_ThenTheUsageErrorWins()
    {
        Assert.Equal(SkyFailureKind.InvalidRequest, SkyFailureClassifier.Classify(2, "", "Could not connect to SkyPilot API server\n").Kind);
    }

    [Fact]
    public void GivenAProvisioningFailure_WhenClassified_ThenReasonIsTheExceptionLine()
    {
        var failure = SkyFailureClassifier.Classify(1, Load("launch-no-capacity.txt"), "");

        Assert.Equal(SkyFailureKind.NoCapacity, failure.Kind);
        Assert.StartsWith("sky.exceptions.ResourcesUnavailableError: Failed to provision", failure.Reason);
    }

    [Fact]
    public void GivenAClickUsageError_WhenClassified_ThenReasonIsTheErrorLine()
    {
        var failure = SkyFailureClassifier.Classify(2, "", "Usage: sky launch [OPTIONS]\nTry 'sky launch -h' for help.\n\nError: No such option: --bogus\n");

        Assert.Equal("Error: No such option: --bogus", failure.Reason);
    }

    [Fact]
    public void GivenNoExceptionOrErrorLine_WhenClassified_ThenReasonIsTheLastNonEmptyLineOfStderr()
    {
        var failure = SkyFailureClassifier.Classify(1, "stdout line\n", "\u001b[31mfirst\u001b[0m\n  last one  \n\n");

        Assert.Equal(new SkyFailure(SkyFailureKind.Unknown, "last one"), failure);
    }

    [Fact]
    public void GivenAVeryLongLine_WhenClassified_ThenReasonIsCutTo300Characters()
    {
        var failure = SkyFailureClassifier.Classify(1, new string('x', 5000), "");

        Assert.Equal(SkyFailureClassifier.MaxReasonLength, failure.Reason.Length);
        Assert.EndsWith("…", failure.Reason);
    }

    [Fact]
    public void GivenNoOutputAtAll_WhenClassified_ThenReasonNamesTheExitCode()
    {
        var failure = SkyFailureClassifier.Classify(137, "", "");

        Assert.Equal(SkyFailureKind.Unknown, failure.Kind);
        Assert.Contains("137", failure.Reason);
    }
}

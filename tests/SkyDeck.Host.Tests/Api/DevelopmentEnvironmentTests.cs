using System.Net;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// The same API run as Development (<c>ASPNETCORE_ENVIRONMENT=Development</c>, e.g. <c>dotnet run</c>), where minimal
/// APIs throw on unbindable parameters instead of answering 400.
/// </summary>
public sealed class DevelopmentEnvironmentTests(DevelopmentEnvironmentTests.Fixture fx) : IClassFixture<DevelopmentEnvironmentTests.Fixture>
{
    /// <summary>A server in the Development environment.</summary>
    public sealed class Fixture : ApiFixture
    {
        protected override string Environment => "Development";
    }


    [Theory]
    [InlineData("/api/events?after=abc")]
    [InlineData("/api/events?limit=1.5")]
    [InlineData("/api/experiments?include_deleted=maybe")]
    [InlineData("/api/experiments/devq/jobs?limit=ten")]
    [InlineData("/api/experiments/devq/status?limit=ten")]
    public async Task GivenAnUnbindableQueryParameter_WhenCalledInDevelopment_Then400NotA500(string url)
    {
        await fx.Client.PostJsonAsync("/api/experiments", Http.NewExperiment("devq"));

        await (await fx.Client.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GivenAValidRequest_WhenCalledInDevelopment_ThenTheApiWorksAsInProduction()
    {
        var id = fx.NewId("dev");

        await fx.CreateAsync(id);

        await (await fx.Client.GetAsync($"/api/experiments/{id}/jobs?limit=5")).ExpectAsync(HttpStatusCode.OK);
        await (await fx.Client.PostJsonAsync("/api/experiments", Http.NewExperiment("bad id"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "id");
    }
}

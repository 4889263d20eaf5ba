using Ctraffic.Internal;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace Ctraffic.Tests.Internal;

public class PacerTests
{
    private static long At(FakeTimeProvider time, double ms) => time.GetTimestamp() + (long)(ms * time.TimestampFrequency / 1000);

    [Fact]
    public async Task AWaitCompletesWhenItsTimeHasCome()
    {
        var time = new FakeTimeProvider();
        using var pacer = new Pacer(time);
        var waiter = new PacerWaiter();

        var wait = pacer.DelayUntilAsync(waiter, At(time, 100)).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(99));
        wait.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));

        (await wait.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Should().BeTrue();
    }

    [Fact]
    public async Task ADueTimeInThePastCompletesAtOnce()
    {
        var time = new FakeTimeProvider();
        using var pacer = new Pacer(time);

        var wait = pacer.DelayUntilAsync(new PacerWaiter(), At(time, -5));

        wait.IsCompletedSuccessfully.Should().BeTrue();
        (await wait).Should().BeTrue();
    }

    [Fact]
    public async Task ManyWaitersShareOneTimerAndCompleteInDueOrder()
    {
        var time = new FakeTimeProvider();
        using var pacer = new Pacer(time);
        var waits = Enumerable.Range(1, 1000)
            .Select(i => (Due: (1000 - i) % 100 + 1, Task: pacer.DelayUntilAsync(new PacerWaiter(), At(time, (1000 - i) % 100 + 1)).AsTask()))
            .ToList();

        for (var ms = 1; ms <= 100; ms++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.WhenAll(waits.Where(w => w.Due <= ms).Select(w => w.Task)).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            waits.Where(w => w.Due > ms).Should().NotContain(w => w.Task.IsCompleted, $"nothing due after {ms} ms may complete early");
        }

        pacer.Waiting.Should().Be(0);
    }

    [Fact]
    public async Task AWaiterIsReusedWithoutAllocatingANewTask()
    {
        var time = new FakeTimeProvider();
        using var pacer = new Pacer(time);
        var waiter = new PacerWaiter();
        for (var i = 0; i < 10; i++)
        {
            var wait = pacer.DelayUntilAsync(waiter, At(time, 10));
            time.Advance(TimeSpan.FromMilliseconds(10));
            (await wait).Should().BeTrue();
        }
    }

    [Fact]
    public async Task StopCompletesEveryWaitWithFalseNowAndLater()
    {
        var time = new FakeTimeProvider();
        using var pacer = new Pacer(time);
        var pending = pacer.DelayUntilAsync(new PacerWaiter(), At(time, 1000)).AsTask();

        pacer.Stop();

        (await pending.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Should().BeFalse();
        (await pacer.DelayUntilAsync(new PacerWaiter(), At(time, 1000))).Should().BeFalse();
    }
}

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

    [Fact]
    public async Task OnTheSystemClockItsOwnThreadResumesEveryWaiterNoEarlierThanHalfATickBeforeItsTime()
    {
        var time = TimeProvider.System;
        using var pacer = new Pacer(time);
        var start = time.GetTimestamp();
        var halfTick = time.TimestampFrequency / 2000;
        var waits = Enumerable.Range(0, 400)
            .Select(i =>
            {
                var due = start + (long)((20 + i % 200 * 0.5) * time.TimestampFrequency / 1000);
                var waiter = new PacerWaiter();
                return (Due: due, Task: Resumed(pacer.DelayUntilAsync(waiter, due)));
            })
            .ToList();

        var resumedAt = await Task.WhenAll(waits.Select(w => w.Task)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        for (var i = 0; i < waits.Count; i++)
        {
            resumedAt[i].Should().BeGreaterThanOrEqualTo(waits[i].Due - halfTick, "waiter {0} may leave at most half a tick early", i);
        }

        pacer.Waiting.Should().Be(0);

        async Task<long> Resumed(ValueTask<bool> wait)
        {
            (await wait).Should().BeTrue();
            return time.GetTimestamp();
        }
    }

    [Fact]
    public async Task OnTheSystemClockAWaiterQueuedBeforeTheArmedOneWakesTheThreadEarly()
    {
        var time = TimeProvider.System;
        using var pacer = new Pacer(time);
        var far = pacer.DelayUntilAsync(new PacerWaiter(), time.GetTimestamp() + 30 * time.TimestampFrequency).AsTask();
        var near = pacer.DelayUntilAsync(new PacerWaiter(), time.GetTimestamp() + time.TimestampFrequency / 50).AsTask();

        (await near.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Should().BeTrue();
        far.IsCompleted.Should().BeFalse();

        pacer.Stop();
        (await far.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Should().BeFalse("stopping ends every wait");
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
//
// dispatch-latency: a dispatch that does nothing, so that submitting it and
// waiting measures the launch and synchronisation overhead alone.
#version 450

layout(local_size_x = 1) in;

void
main ()
{
}

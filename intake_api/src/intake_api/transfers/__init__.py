"""Transfer forms (信访事项转送单): the printed form that sends a matter to the competent unit."""
